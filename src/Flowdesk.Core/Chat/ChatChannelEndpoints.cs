using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Notifications;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Flowdesk.Chat;

/// <summary>What is sent to create or replace a channel. A secret left out on update keeps the stored one; "" removes it.</summary>
public sealed record SaveChatChannel(string? Name, string? Kind, string? WebhookUrl, string? Secret, string? Desk, string? Group, string? Language,
    List<string>? Events, bool? Enabled);

/// <summary>A channel as admins see it: the URL shortened to its host (it is a credential), whether a secret is set — never the secret.</summary>
public sealed record ChatChannelView(Guid Id, string Name, string Kind, string WebhookHost, bool HasSecret, string? Desk, string? Group, string Language,
    IReadOnlyList<string> Events, bool Enabled, DateTimeOffset UpdatedAt);

/// <summary>Chat channels per desk or group, for system admins: list, read, create, replace, delete. Everyone else gets 404.</summary>
public static class ChatChannelEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var channels = api.MapGroup("/admin/chat-channels").WithTags("Admin");
        channels.MapGet("", List).WithSummary("Chat channels (system admin)");
        channels.MapGet("/{id:guid}", Get).WithSummary("One chat channel, without its URL path and secret (system admin)");
        channels.MapPost("", Create).WithSummary("Add a chat channel: slack, teams, dingtalk, wecom or feishu (system admin)");
        channels.MapPut("/{id:guid}", Update).WithSummary("Replace a chat channel; a secret left out is kept (system admin)");
        channels.MapDelete("/{id:guid}", Delete).WithSummary("Remove a chat channel (system admin)");
    }

    static async Task<Results<Ok<List<ChatChannelView>>, ProblemHttpResult>> List(Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var channels = await db.ChatChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        return TypedResults.Ok(await ViewsAsync(db, channels, ct));
    }

    static async Task<Results<Ok<ChatChannelView>, ProblemHttpResult>> Get(Guid id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var channel = await db.ChatChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        return channel is null ? Problems.NotFound(t) : TypedResults.Ok((await ViewsAsync(db, [channel], ct))[0]);
    }

    static async Task<Results<Created<ChatChannelView>, ProblemHttpResult, ValidationProblem>> Create(SaveChatChannel request, Caller caller, FlowdeskDb db,
        TimeProvider clock, IOptions<NotificationOptions> options, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var input = await ValidateAsync(request, null, db, options.Value, t, ct);
        if (input.Errors is { } errors) return Problems.Validation(t, errors);
        var v = input.Value!;
        var channel = new ChatChannel(v.Name, v.Kind, v.Url, v.Secret, v.DeskId, v.GroupId, v.Language, v.Events, clock.GetUtcNow());
        if (!v.Enabled) channel.Update(v.Name, v.Kind, v.Url, v.Secret, v.DeskId, v.GroupId, v.Language, v.Events, false, clock.GetUtcNow());
        db.ChatChannels.Add(channel);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/admin/chat-channels/{channel.Id}", (await ViewsAsync(db, [channel], ct))[0]);
    }

    static async Task<Results<Ok<ChatChannelView>, ProblemHttpResult, ValidationProblem>> Update(Guid id, SaveChatChannel request, Caller caller, FlowdeskDb db,
        TimeProvider clock, IOptions<NotificationOptions> options, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var channel = await db.ChatChannels.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (channel is null) return Problems.NotFound(t);
        var input = await ValidateAsync(request, channel, db, options.Value, t, ct);
        if (input.Errors is { } errors) return Problems.Validation(t, errors);
        var v = input.Value!;
        channel.Update(v.Name, v.Kind, v.Url, v.Secret, v.DeskId, v.GroupId, v.Language, v.Events, v.Enabled, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok((await ViewsAsync(db, [channel], ct))[0]);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var deleted = await db.ChatChannels.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        return deleted == 0 ? Problems.NotFound(t) : TypedResults.NoContent();
    }

    sealed record Valid(string Name, ChatKind Kind, string Url, string? Secret, Guid? DeskId, Guid? GroupId, string Language, string Events, bool Enabled);

    static async Task<(Valid? Value, Dictionary<string, string[]>? Errors)> ValidateAsync(SaveChatChannel request, ChatChannel? existing, FlowdeskDb db,
        NotificationOptions options, IStringLocalizer t, CancellationToken ct)
    {
        var errors = new FieldErrors(t);
        var name = errors.Line("name", request.Name, 200);
        ChatKind? kind = Enum.TryParse<ChatKind>(request.Kind, ignoreCase: true, out var k) && Enum.IsDefined(k) && !int.TryParse(request.Kind, out _) ? k : null;
        if (kind is null) errors.Add("kind", "validation.enum", "slack, teams, dingtalk, wecom, feishu");
        var url = errors.Line("webhookUrl", request.WebhookUrl, ChatLimits.UrlMax);
        if (url is not null && !ValidUrl(url, options.AllowHttpWebhooks)) errors.Add("webhookUrl", "chat.url_invalid");

        // Left out on update: keep the stored secret. An empty string removes it.
        var secret = request.Secret is null ? existing?.Secret : request.Secret.Trim() is { Length: > 0 } s ? s : null;
        if (secret is { Length: > ChatLimits.SecretMax }) errors.Add("secret", "validation.too_long", ChatLimits.SecretMax);
        else if (secret is not null && secret.Any(char.IsControl)) errors.Add("secret", "validation.control_characters");
        else if (secret is not null && kind is not (ChatKind.DingTalk or ChatKind.Feishu) && request.Secret is not null) errors.Add("secret", "chat.secret_not_supported");
        if (kind is not (ChatKind.DingTalk or ChatKind.Feishu)) secret = null;

        Guid? deskId = null, groupId = null;
        if (string.IsNullOrWhiteSpace(request.Desk) == string.IsNullOrWhiteSpace(request.Group)) errors.Add("desk", "chat.target");
        else if (!string.IsNullOrWhiteSpace(request.Desk))
        {
            deskId = await db.Desks.Where(d => d.Key == request.Desk).Select(d => (Guid?)d.Id).SingleOrDefaultAsync(ct);
            if (deskId is null) errors.Add("desk", "validation.unknown_desk", request.Desk);
        }
        else
        {
            groupId = await db.Groups.Where(g => g.Key == request.Group).Select(g => (Guid?)g.Id).SingleOrDefaultAsync(ct);
            if (groupId is null) errors.Add("group", "chat.unknown_group", request.Group!);
        }

        var language = request.Language ?? Languages.Chinese;
        if (!Languages.Supported.Contains(language, StringComparer.OrdinalIgnoreCase)) errors.Add("language", "validation.enum", string.Join(", ", Languages.Supported));
        var events = (request.Events ?? []).Select(NotificationEvents.Normalize).Distinct(StringComparer.Ordinal).ToList();
        foreach (var unknown in events.Where(e => !NotificationEvents.IsKnown(e)))
            errors.Add("events", "chat.unknown_event", unknown, string.Join(", ", NotificationEvents.All));

        if (errors.Any) return (null, errors.ToDictionary());
        return (new Valid(name!, kind!.Value, url!, secret, deskId, groupId, Languages.Normalize(language), string.Join(' ', events), request.Enabled ?? true), null);
    }

    /// <summary>Absolute https (http only when allowed for tests and closed networks), a host, no user name or password in it.</summary>
    public static bool ValidUrl(string text, bool allowHttp) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp))
        && uri.Host.Length > 0 && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Fragment);

    static async Task<List<ChatChannelView>> ViewsAsync(FlowdeskDb db, IReadOnlyCollection<ChatChannel> channels, CancellationToken ct)
    {
        var deskIds = channels.Select(c => c.DeskId).OfType<Guid>().ToArray();
        var groupIds = channels.Select(c => c.GroupId).OfType<Guid>().ToArray();
        var desks = await db.Desks.AsNoTracking().Where(d => deskIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Key, ct);
        var groups = await db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Key, ct);
        return channels.Select(c => new ChatChannelView(c.Id, c.Name, c.Kind.ToString().ToLowerInvariant(), new Uri(c.WebhookUrl).Host, c.Secret is not null,
            c.DeskId is { } d ? desks.GetValueOrDefault(d) : null, c.GroupId is { } g ? groups.GetValueOrDefault(g) : null, c.Language,
            c.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries), c.Enabled, c.UpdatedAt)).ToList();
    }
}
