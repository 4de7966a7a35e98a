using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Outbox;

public sealed record OutboxMessageSummary(Guid Id, string Kind, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt,
    DateTimeOffset? SentAt, string? LastError, Guid? TicketId, bool Claimed);

public sealed record OutboxMessageDetail(Guid Id, string Kind, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt,
    DateTimeOffset? SentAt, string? LastError, Guid? TicketId, string? ClaimedBy, DateTimeOffset? ClaimedUntil, string IdempotencyKey, string Payload);

public sealed record OutboxCounts(int Pending, int Failed, int Sent, int Dead);

public sealed record OutboxQuery(string? Status, string? Kind, string? Page, string? PageSize);

/// <summary>
/// The outbox for system admins: messages by status (the dead letters above all), one message with its payload and
/// last error, counts per status, and a retry for a dead message. Everyone else gets the 404 of something that
/// does not exist.
/// </summary>
public static class OutboxAdminEndpoints
{

    public static void Map(IEndpointRouteBuilder secured)
    {
        var outbox = secured.MapGroup("/admin/outbox").WithTags("Admin");
        outbox.MapGet("", List).WithSummary("Outbox messages, newest first; filter by status and kind (system admin)");
        outbox.MapGet("/counts", Counts).WithSummary("Number of outbox messages per status (system admin)");
        outbox.MapGet("/waiting", Waiting).WithSummary("Kinds of messages waiting for a delivery that is missing or not configured, with why (system admin)");
        outbox.MapGet("/{id:guid}", Get).WithSummary("One outbox message with its payload and last error (system admin)");
        outbox.MapPost("/{id:guid}/retry", Retry).WithSummary("Send a dead message again from its first attempt (system admin)");
        Jobs.JobAdminEndpoints.Map(secured);
    }

    static async Task<Results<Ok<PageOf<OutboxMessageSummary>>, ProblemHttpResult, ValidationProblem>> List(
        [AsParameters] OutboxQuery query, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var errors = new FieldErrors(t);
        var (page, pageSize) = Paging.Read(errors, query.Page, query.PageSize);
        List<OutboxStatus> statuses = [];
        foreach (var text in (query.Status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<OutboxStatus>(text, ignoreCase: true, out var status) && !int.TryParse(text, out _)) statuses.Add(status);
            else errors.Add("status", "validation.enum", string.Join(", ", Enum.GetNames<OutboxStatus>().Select(n => n.ToLowerInvariant())));
        }
        var kind = errors.Line("kind", query.Kind, 30, required: false);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        return TypedResults.Ok(await OutboxAdmin.PageAsync(db, statuses, kind, page, pageSize, ct));
    }

    static async Task<Results<Ok<IReadOnlyList<OutboxWaiting>>, ProblemHttpResult>> Waiting(Caller caller, FlowdeskDb db,
        IEnumerable<IOutboxDelivery> deliveries, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        return TypedResults.Ok(await OutboxAdmin.WaitingAsync(db, deliveries, ct));
    }

    static async Task<Results<Ok<OutboxCounts>, ProblemHttpResult>> Counts(Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        return TypedResults.Ok(await OutboxAdmin.CountsAsync(db, ct));
    }

    static async Task<Results<Ok<OutboxMessageDetail>, ProblemHttpResult>> Get(Guid id, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        return await OutboxAdmin.GetAsync(db, id, ct) is { } message ? TypedResults.Ok(message) : Problems.NotFound(t);
    }

    static async Task<Results<Ok<OutboxMessageDetail>, ProblemHttpResult>> Retry(Guid id, Caller caller, FlowdeskDb db, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var retry = await OutboxAdmin.RetryAsync(db, id, clock.GetUtcNow(), ct);
        if (retry.Message is not { } message) return Problems.NotFound(t);
        if (!retry.Revived)
            return Problems.Conflict(t, "outbox-not-dead", "outbox.retry.title", t.Text("outbox.retry.not_dead", message.Status),
                new Dictionary<string, object?> { ["status"] = message.Status });
        return TypedResults.Ok(message);
    }
}
