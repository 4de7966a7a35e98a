using System.Text.Json.Nodes;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Forms;
using Flowdesk.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Catalog;

/// <summary>Validates a catalog request's form against the published version, with existence checks in the database and localised messages.</summary>
public static class FormSubmission
{
    public sealed record Outcome(JsonObject Values, IReadOnlyDictionary<string, List<string>> Errors);

    public static async Task<Outcome> ValidateAsync(FlowdeskDb db, Caller caller, IReadOnlyList<FormField> form, JsonObject? submitted, RequesterProfile requester,
        IStringLocalizer t, CancellationToken ct)
    {
        var result = await FormValidator.ValidateAsync(form, submitted, requester, new Lookups(db, caller), null, ct);
        var errors = result.Errors.ToDictionary(e => e.Key, e => e.Value.Select(error => Localize(t, error)).ToList(), StringComparer.Ordinal);
        return new Outcome(result.Values, errors);
    }

    static string Localize(IStringLocalizer t, FieldError error)
    {
        var text = t[error.Code, [.. error.Args]];
        return text.ResourceNotFound ? error.Message : text.Value;
    }

    sealed class Lookups(FlowdeskDb db, Caller caller) : IFormLookups
    {
        public async ValueTask<bool> PersonExistsAsync(string userName, CancellationToken ct) =>
            await db.Users.AnyAsync(p => p.NormalizedUserName == userName.ToUpperInvariant() && p.IsActive && !p.IsIntegration, ct);

        public async ValueTask<bool> GroupExistsAsync(string key, CancellationToken ct) => await db.Groups.AnyAsync(g => g.Key == key, ct);

        // Assets arrive with the CMDB; until then no asset value can be valid.
        public ValueTask<bool> AssetExistsAsync(string tag, CancellationToken ct) => ValueTask.FromResult(false);

        // Only a file the caller may see: an id is not a capability, so someone else's attachment reads as unknown.
        public async ValueTask<bool> AttachmentExistsAsync(string id, CancellationToken ct) =>
            Guid.TryParse(id, out var attachmentId) && await db.Attachments.VisibleTo(db.Tickets, caller).AnyAsync(a => a.Id == attachmentId, ct);
    }
}
