using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Flowdesk.Api;
using Flowdesk.Catalog;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Flowdesk.Notifications;

public enum ApprovalLinkState { Valid, Invalid, Expired }

public sealed record ApprovalLinkClaims(Guid ApprovalId, Guid ApproverId, ApprovalDecision Decision, DateTimeOffset ExpiresAt);

public sealed record ApprovalLinkCheck(ApprovalLinkState State, ApprovalLinkClaims? Claims);

/// <summary>
/// Approve / reject links for e-mails: a token bound to one approval, its approver and one decision, with an expiry,
/// signed with HMAC-SHA256. The key comes from Flowdesk:Notifications:ApprovalLinkKey, or is generated once and kept
/// in the database so every web node checks the same signatures. A link works once because the approval it names
/// is decided once; it never decides on GET (see ApprovalLinkDecisions).
/// </summary>
public sealed class ApprovalLinks(IServiceScopeFactory scopes, IOptions<NotificationOptions> options, TimeProvider clock)
{
    const byte FormatVersion = 1;
    const string KeyPurpose = "approval-links";
    const int PayloadLength = 1 + 16 + 16 + 1 + 8;
    byte[]? key;

    public async Task<string> CreateAsync(Guid approvalId, Guid approverId, ApprovalDecision decision, CancellationToken ct)
    {
        var expires = clock.GetUtcNow() + options.Value.ApprovalLinkLifetime;
        var payload = new byte[PayloadLength];
        payload[0] = FormatVersion;
        approvalId.TryWriteBytes(payload.AsSpan(1, 16));
        approverId.TryWriteBytes(payload.AsSpan(17, 16));
        payload[33] = (byte)decision;
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(34, 8), expires.ToUnixTimeSeconds());
        var signature = HMACSHA256.HashData(await KeyAsync(ct), payload);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(signature);
    }

    public async Task<string> UrlAsync(Guid approvalId, Guid approverId, ApprovalDecision decision, CancellationToken ct) =>
        options.Value.Url("/approvals/act?token=" + await CreateAsync(approvalId, approverId, decision, ct));

    public async Task<ApprovalLinkCheck> CheckAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200 || token.Split('.') is not [var payloadText, var signatureText])
            return new(ApprovalLinkState.Invalid, null);
        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(payloadText);
            signature = Base64Url.DecodeFromChars(signatureText);
        }
        catch (FormatException)
        {
            return new(ApprovalLinkState.Invalid, null);
        }
        var expected = HMACSHA256.HashData(await KeyAsync(ct), payload);
        if (payload.Length != PayloadLength || payload[0] != FormatVersion || !CryptographicOperations.FixedTimeEquals(expected, signature))
            return new(ApprovalLinkState.Invalid, null);
        var decision = (ApprovalDecision)payload[33];
        if (decision is not (ApprovalDecision.Approved or ApprovalDecision.Rejected)) return new(ApprovalLinkState.Invalid, null);
        var claims = new ApprovalLinkClaims(new Guid(payload.AsSpan(1, 16)), new Guid(payload.AsSpan(17, 16)), decision,
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(34, 8))));
        return clock.GetUtcNow() >= claims.ExpiresAt ? new(ApprovalLinkState.Expired, claims) : new(ApprovalLinkState.Valid, claims);
    }

    async Task<byte[]> KeyAsync(CancellationToken ct)
    {
        if (key is not null) return key;
        if (options.Value.ApprovalLinkKey is { Length: > 0 } configured)
        {
            var bytes = Convert.FromBase64String(configured);
            if (bytes.Length < 32) throw new InvalidOperationException("Flowdesk:Notifications:ApprovalLinkKey must be at least 32 bytes (base64).");
            return key = bytes;
        }
        for (var attempt = 0; ; attempt++)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
            if (await db.SigningKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Purpose == KeyPurpose, ct) is { } stored) return key = stored.Key;
            db.SigningKeys.Add(new SigningKey(KeyPurpose, RandomNumberGenerator.GetBytes(32), clock.GetUtcNow()));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another node made the key at the same moment; read theirs.
            }
        }
    }
}

public enum ApprovalActOutcome { Decided, AlreadyDecided, Invalid, Expired, ReasonRequired, TooLong }

public sealed record ApprovalActView(ApprovalLinkState Link, ApprovalDecision Decision, ApprovalDecision? Current, string? Number, string? Subject,
    string? Requester, string? Stage, string? Approver);

/// <summary>
/// What the approval link page does: shows what the link would decide (GET, never deciding, because mail scanners
/// follow links), and decides on the confirmed POST through the engine exactly as POST /approvals/{id}/approve does.
/// </summary>
public static class ApprovalLinkDecisions
{
    public static async Task<ApprovalActView> PreviewAsync(FlowdeskDb db, ApprovalLinks links, string? token, CancellationToken ct)
    {
        var check = await links.CheckAsync(token, ct);
        if (check.Claims is not { } claims) return new(ApprovalLinkState.Invalid, ApprovalDecision.Pending, null, null, null, null, null, null);
        var row = await db.Approvals.AsNoTracking()
            .Where(a => a.Id == claims.ApprovalId && a.ApproverId == claims.ApproverId)
            .Select(a => new { a.Decision, a.Stage, a.Ticket!.Number, a.Ticket.Subject, Requester = a.Ticket.Requester!.DisplayName, Approver = a.Approver!.DisplayName })
            .SingleOrDefaultAsync(ct);
        if (row is null) return new(ApprovalLinkState.Invalid, claims.Decision, null, null, null, null, null, null);
        // An expired link still says what happened when the approval is already decided.
        return new(check.State, claims.Decision, row.Decision, row.Number, row.Subject, row.Requester, row.Stage, row.Approver);
    }

    public static async Task<ApprovalActOutcome> DecideAsync(FlowdeskDb db, ApprovalLinks links, string? token, string? comment, TimeProvider clock, CancellationToken ct)
    {
        var check = await links.CheckAsync(token, ct);
        if (check.Claims is not { } claims) return ApprovalActOutcome.Invalid;
        var approval = await db.Approvals.SingleOrDefaultAsync(a => a.Id == claims.ApprovalId && a.ApproverId == claims.ApproverId, ct);
        if (approval is null) return ApprovalActOutcome.Invalid;
        if (approval.Decision != ApprovalDecision.Pending) return ApprovalActOutcome.AlreadyDecided;
        if (check.State == ApprovalLinkState.Expired) return ApprovalActOutcome.Expired;
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (comment is { Length: > TicketLimits.CommentMax }) return ApprovalActOutcome.TooLong;
        if (claims.Decision == ApprovalDecision.Rejected && comment is null) return ApprovalActOutcome.ReasonRequired;

        var ticket = await db.Tickets.Include(x => x.Watchers).SingleAsync(x => x.Id == approval.TicketId, ct);
        var definition = await ProcessLibrary.DefinitionAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct);
        if (definition is null || approval.StageIndex >= definition.Approvals.Count) return ApprovalActOutcome.Invalid;
        await new ProcessRunner(db, clock.GetUtcNow(), claims.ApproverId).DecideAsync(ticket, definition, approval, claims.Decision, comment,
            await Requesters.ProfileAsync(db, ticket.RequesterId, ct), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApprovalActOutcome.AlreadyDecided;
        }
        return ApprovalActOutcome.Decided;
    }
}
