using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Sla;

public sealed record SlaPolicyView(Guid Id, string Desk, string Name, string? Service, Priority? Priority, string? Process, string Calendar,
    string FirstResponse, string Resolution, IReadOnlyList<string> PauseStates, int WarningPercent, IReadOnlyList<EscalationLevel> Escalations);

public sealed record UpdateSlaPolicy(string? Calendar, string? FirstResponse, string? Resolution, List<string>? PauseStates,
    int? WarningPercent, List<EscalationLevel>? Escalations);

/// <summary>SLA policies for system admins: list them, and change targets, calendar, pause states, warning and escalations.</summary>
public static class SlaPolicyEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var policies = api.MapGroup("/admin/sla/policies").WithTags("Admin");
        policies.MapGet("", List).WithSummary("List SLA policies (system admin)");
        policies.MapPut("/{id:guid}", Update).WithSummary("Change an SLA policy (system admin)");
    }

    static async Task<Results<Ok<List<SlaPolicyView>>, ProblemHttpResult>> List(Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var desks = await db.Desks.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Key, ct);
        var policies = await db.SlaPolicies.AsNoTracking().Include(p => p.Calendar).ToListAsync(ct);
        return TypedResults.Ok(policies
            .OrderBy(p => desks.GetValueOrDefault(p.DeskId), StringComparer.Ordinal).ThenBy(p => p.Priority).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => View(p, desks.GetValueOrDefault(p.DeskId, ""))).ToList());
    }

    static async Task<Results<Ok<SlaPolicyView>, ProblemHttpResult, ValidationProblem>> Update(
        Guid id, UpdateSlaPolicy request, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var policy = await db.SlaPolicies.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null) return Problems.NotFound(t);

        var errors = new FieldErrors(t);
        var first = request.FirstResponse is null ? policy.FirstResponse() : BusinessTarget.Parse(request.FirstResponse);
        if (first is null) errors.Add("firstResponse", "sla.target");
        var resolution = request.Resolution is null ? policy.Resolution() : BusinessTarget.Parse(request.Resolution);
        if (resolution is null) errors.Add("resolution", "sla.target");
        var warning = request.WarningPercent ?? policy.WarningPercent;
        if (warning is < 1 or > 100) errors.Add("warningPercent", "sla.percent");
        var pauseStates = request.PauseStates ?? [.. policy.PausedIn()];
        var knownStates = BuiltInWorkflows.For(policy.ProcessKey ?? "incident").States;
        foreach (var state in pauseStates.Where(s => !knownStates.Contains(s)))
            errors.Add("pauseStates", "validation.enum", string.Join(", ", knownStates));
        var escalations = request.Escalations ?? [.. policy.EscalationLevels()];
        foreach (var level in escalations.Where(l => l.AtPercent is < 1 or > 1000))
            errors.Add($"escalations[{escalations.IndexOf(level)}].atPercent", "sla.escalation_percent");
        Calendars.BusinessCalendar? calendar = null;
        if (request.Calendar is { } key)
        {
            calendar = await db.BusinessCalendars.SingleOrDefaultAsync(c => c.Key == key, ct);
            if (calendar is null) errors.Add("calendar", "sla.unknown_calendar", key);
        }
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        policy.Update(first!, resolution!, pauseStates.Distinct(StringComparer.Ordinal).ToList(), warning, escalations);
        if (calendar is not null) policy.UseCalendar(calendar.Id);
        await db.SaveChangesAsync(ct);
        await db.Entry(policy).Reference(p => p.Calendar).LoadAsync(ct);
        var desk = await db.Desks.AsNoTracking().Where(d => d.Id == policy.DeskId).Select(d => d.Key).SingleAsync(ct);
        return TypedResults.Ok(View(policy, desk));
    }

    static SlaPolicyView View(SlaPolicy p, string desk) => new(p.Id, desk, p.Name, p.Service, p.Priority, p.ProcessKey, p.Calendar?.Key ?? "",
        p.FirstResponseTarget, p.ResolutionTarget, [.. p.PausedIn().Order(StringComparer.Ordinal)], p.WarningPercent, p.EscalationLevels());
}
