using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flowdesk.Api;
using Flowdesk.Catalog;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Forms;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Portal;

/// <summary>What became of an order: a new request, the one an earlier send of the same form made, or field errors.</summary>
public sealed record OrderResult(string? Number, bool Replayed, IReadOnlyDictionary<string, List<string>> Errors, bool NotFound = false)
{
    public bool Ok => Number is not null;
}

/// <summary>
/// Ordering from the portal's item page. The same steps as POST /catalog/{key}/requests — the offer the caller may
/// order, the pinned published version's form checked by <see cref="FormValidator"/>, the ticket started by
/// <see cref="ProcessRunner"/> — plus what a browser form needs: files chosen in attachment fields are stored with the
/// new ticket in its own transaction, and the form's one-time token makes a second send of the same form (a double click,
/// a reload of the answer) return the request the first one made, under the same unique index as the API's
/// Idempotency-Key (<see cref="IdempotencyRecord"/>, key "portal:&lt;token&gt;").
/// </summary>
public static class PortalOrders
{
    const string KeyPrefix = "portal:";
    const string Placeholder = "upload:";

    public static string RequestPath(string number) => $"/portal/requests/{number}";

    /// <summary>The request an earlier send of this form made, if any (within the API's 24-hour window).</summary>
    public static async Task<string?> EarlierAsync(FlowdeskDb db, Caller caller, string? token, DateTimeOffset now, CancellationToken ct)
    {
        if (!IsToken(token)) return null;
        var key = KeyPrefix + token;
        var since = now - Idempotency.Window;
        var record = await db.IdempotencyRecords.AsNoTracking()
            .Where(r => r.CallerId == caller.PersonId && r.Key == key && r.CreatedAt > since).Select(r => r.Body).SingleOrDefaultAsync(ct);
        return record is null ? null : JsonNode.Parse(record)?["number"]?.GetValue<string>();
    }

    /// <summary>Tokens are what the page issues: 32 hex characters (a GUID without dashes).</summary>
    public static bool IsToken(string? token) => token is { Length: 32 } && token.All(char.IsAsciiHexDigit);

    public static async Task<OrderResult> PlaceAsync(FlowdeskDb db, PortalCatalog catalog, Caller caller, string key, JsonObject fields,
        IReadOnlyDictionary<string, PortalUpload> uploads, string? token, TimeProvider clock, IStringLocalizer t, CancellationToken ct)
    {
        var empty = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        if (await EarlierAsync(db, caller, token, now, ct) is { } earlier) return new OrderResult(earlier, true, empty);

        var offer = await catalog.FindAsync(db, caller, key, ct);
        if (offer is null) return new OrderResult(null, false, empty, NotFound: true);
        var definition = offer.Definition;
        var requester = Requesters.Of(caller);

        // Files stand in as placeholders while the form is checked; refused files are errors next to their field.
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var values = (JsonObject)fields.DeepClone();
        foreach (var (fieldId, upload) in uploads)
        {
            if (upload.Ok) values[fieldId] = Placeholder + fieldId;
            else errors[fieldId] = [t.Text(upload.ErrorKey!, upload.Args)];
        }
        var result = await FormValidator.ValidateAsync(definition.Form, values, requester, new Lookups(db, caller), null, ct);
        foreach (var (field, list) in result.Errors)
        {
            if (errors.ContainsKey(field)) continue;
            errors[field] = list.Select(e => Localize(t, e)).ToList();
        }
        if (errors.Count > 0) return new OrderResult(null, false, errors);

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fields.ToJsonString())));
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var number = await CreateAsync(db, caller, offer, result.Values, uploads, requester, now, ct);
            if (IsToken(token))
                db.IdempotencyRecords.Add(new IdempotencyRecord(caller.PersonId, KeyPrefix + token, hash, 201, RequestPath(number),
                    JsonSerializer.Serialize(new { number }), now));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new OrderResult(number, false, empty);
        }
        catch (DbUpdateException) when (IsToken(token))
        {
            // A second send of the same form won the race (a double click): its transaction holds the request.
            db.ChangeTracker.Clear();
            if (await EarlierAsync(db, caller, token, now, ct) is { } winner) return new OrderResult(winner, true, empty);
            throw;
        }
    }

    static async Task<string> CreateAsync(FlowdeskDb db, Caller caller, CatalogOffer offer, JsonObject values,
        IReadOnlyDictionary<string, PortalUpload> uploads, RequesterProfile requester, DateTimeOffset now, CancellationToken ct)
    {
        var definition = offer.Definition;
        var desk = await db.Desks.SingleAsync(d => d.Id == offer.DeskId, ct);
        // The description names the files; the form values then hold the new attachments' ids.
        var fileNames = uploads.Where(u => u.Value.Ok).ToDictionary(u => Placeholder + u.Key, u => u.Value.FileName!, StringComparer.Ordinal);
        var ticket = await TicketFactory.CreateAsync(db, desk, ProcessRunner.KindOf(definition.Kind), definition.Name.For(caller.Language),
            Describe(definition, values, caller.Language, fileNames), caller.PersonId, LevelOf(values, "impact"), LevelOf(values, "urgency"), null,
            caller.PersonId, now, ct, offer.Key, offer.Version);

        foreach (var (fieldId, upload) in uploads)
        {
            // A file in a field that turned out hidden is not kept, like any hidden value.
            if (!values.ContainsKey(fieldId)) continue;
            var attachment = await upload.AttachAsync(db, ticket, null, caller.PersonId, now);
            values[fieldId] = attachment.Id.ToString();
        }
        ticket.SetFields(values);
        ticket.SetCategory(definition.Category ?? definition.Catalog?.Category, definition.Service);
        await new ProcessRunner(db, now, caller.PersonId).StartAsync(ticket, definition, requester, ct);
        return ticket.Number;
    }

    /// <summary>A readable description of what was asked, in the requester's language (the console shows it).</summary>
    static string Describe(ProcessDefinition definition, JsonObject values, string language, IReadOnlyDictionary<string, string> fileNames)
    {
        var answers = FormDisplay.Answers(definition, values.ToJsonString(), language, fileNames);
        var yes = Languages.IsChinese(language) ? "是" : "yes";
        var no = Languages.IsChinese(language) ? "否" : "no";
        var text = string.Join('\n', answers.Select(a => $"{a.Label}: {(a.Flag is { } flag ? (flag ? yes : no) : a.Value)}"));
        return text.Length <= TicketLimits.DescriptionMax ? text : text[..TicketLimits.DescriptionMax];
    }

    static Level LevelOf(JsonObject values, string field) =>
        values[field] is JsonValue v && v.TryGetValue<string>(out var text) && Enum.TryParse<Level>(text, ignoreCase: true, out var level) && Enum.IsDefined(level)
            ? level : Level.Medium;

    static string Localize(IStringLocalizer t, FieldError error)
    {
        var text = t[error.Code, [.. error.Args]];
        return text.ResourceNotFound ? error.Message : text.Value;
    }

    /// <summary>
    /// The existence checks of <see cref="FormSubmission"/>, plus: a file chosen in this form stands for itself, and an
    /// existing attachment counts only when the caller may see it (a form cannot point at someone else's file).
    /// </summary>
    sealed class Lookups(FlowdeskDb db, Caller caller) : IFormLookups
    {
        public async ValueTask<bool> PersonExistsAsync(string userName, CancellationToken ct) =>
            await db.Users.AnyAsync(p => p.NormalizedUserName == userName.ToUpperInvariant() && p.IsActive && !p.IsIntegration, ct);

        public async ValueTask<bool> GroupExistsAsync(string key, CancellationToken ct) => await db.Groups.AnyAsync(g => g.Key == key, ct);

        public ValueTask<bool> AssetExistsAsync(string tag, CancellationToken ct) => ValueTask.FromResult(false);

        public async ValueTask<bool> AttachmentExistsAsync(string id, CancellationToken ct) =>
            id.StartsWith(Placeholder, StringComparison.Ordinal)
            || (Guid.TryParse(id, out var attachmentId) && await db.Attachments.VisibleTo(db.Tickets, caller).AnyAsync(a => a.Id == attachmentId, ct));
    }
}
