using System.Diagnostics;
using Flowdesk.Jobs;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flowdesk.Mail;

/// <summary>How one poll of one mailbox went.</summary>
public sealed record MailboxPollResult(string Mailbox, int Fetched, int Tickets, int Comments, int Ignored, int Quarantined, int Duplicates);

/// <summary>
/// Fetches the unseen messages of each configured desk mailbox over IMAP (MailKit) and hands each to a
/// <see cref="MailIntake"/> in a scope of its own. A message is flagged \Seen (or moved to the inbox's MoveTo folder)
/// only after its transaction committed; if that flagging fails, the next poll fetches it again and the intake's
/// (desk, Message-ID) record makes the second pass a no-op. Messages larger than Mail:MaxMessageBytes are streamed
/// into the quarantine without being parsed. One poll at a time per process; across nodes the job runner runs the
/// job once, and the unique record guards the rest.
/// </summary>
public sealed class MailboxPoller(IServiceScopeFactory scopes, MailSettings settings, ILogger<MailboxPoller> log) : IDisposable
{
    readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>How long one poll of a mailbox goes on taking full batches (the job's lease is ten minutes).</summary>
    public static readonly TimeSpan PollBudget = TimeSpan.FromMinutes(2);

    public void Dispose() => gate.Dispose();

    /// <summary>Polls every configured mailbox; throws after trying all of them when any failed (the job records it).</summary>
    public async Task<IReadOnlyList<MailboxPollResult>> PollAllAsync(CancellationToken ct)
    {
        List<MailboxPollResult> results = [];
        List<Exception> failures = [];
        foreach (var inbox in settings.Inboxes)
        {
            try
            {
                results.Add(await PollAsync(inbox, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Polling mailbox {Mailbox} of desk {Desk} failed.", inbox.Name, inbox.Desk);
                failures.Add(new InvalidOperationException($"Mailbox {inbox.Name} (desk {inbox.Desk}): {e.Message}", e));
            }
        }
        if (failures.Count > 0) throw new AggregateException("Polling mail failed: " + string.Join(" ", failures.Select(f => f.Message)), failures);
        return results;
    }

    public async Task<MailboxPollResult> PollAsync(InboxSettings inbox, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            return await PollLockedAsync(inbox, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    async Task<MailboxPollResult> PollLockedAsync(InboxSettings inbox, CancellationToken ct)
    {
        using var imap = new ImapClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        await imap.ConnectAsync(inbox.Host, inbox.Port, MailSettings.Socket(inbox.Tls), ct);
        if (inbox.User is not null) await imap.AuthenticateAsync(inbox.User, inbox.Password ?? "", ct);
        var folder = inbox.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? imap.Inbox : await imap.GetFolderAsync(inbox.Folder, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        IMailFolder? moveTo = inbox.MoveTo is null ? null : await imap.GetFolderAsync(inbox.MoveTo, ct);

        int fetched = 0, tickets = 0, comments = 0, ignored = 0, quarantined = 0, duplicates = 0;
        Desks.Desk? desk = null;
        HashSet<UniqueId> done = [];
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var unseen = await folder.SearchAsync(SearchQuery.NotSeen, ct);
            var batch = unseen.Where(u => !done.Contains(u)).OrderBy(u => u.Id).Take(settings.BatchSize).ToList();
            if (batch.Count == 0) break;
            // The desk once per poll, not once per message (a missing desk fails the poll before anything is fetched).
            if (desk is null)
                using (var deskScope = scopes.CreateScope())
                    desk = await deskScope.ServiceProvider.GetRequiredService<MailIntake>().DeskAsync(inbox, ct);
            var summaries = await folder.FetchAsync(batch, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct);
            foreach (var summary in summaries.OrderBy(s => s.UniqueId.Id))
            {
                var result = await ProcessOneAsync(inbox, desk, folder, summary, ct);
                switch (result)
                {
                    case { Duplicate: true }: duplicates++; break;
                    case { Outcome: MailOutcome.Ticket }: tickets++; break;
                    case { Outcome: MailOutcome.Comment }: comments++; break;
                    case { Outcome: MailOutcome.Ignored }: ignored++; break;
                    case { Outcome: MailOutcome.Quarantined }: quarantined++; break;
                }
                // Only now, with the transaction committed, does the server learn that the message is done.
                if (moveTo is not null) await folder.MoveToAsync(summary.UniqueId, moveTo, ct);
                else await folder.AddFlagsAsync(summary.UniqueId, MessageFlags.Seen, silent: true, ct);
                done.Add(summary.UniqueId);
            }
            fetched += batch.Count;
            // A full batch means more may be waiting: carry on at once rather than a whole poll interval later (a
            // burst of 1,000 mails would otherwise take five polls), within a budget well inside the job's lease.
            if (batch.Count < settings.BatchSize || Stopwatch.GetElapsedTime(started) > PollBudget) break;
        }
        await imap.DisconnectAsync(true, ct);
        var polled = new MailboxPollResult(inbox.Name, fetched, tickets, comments, ignored, quarantined, duplicates);
        if (fetched > 0) log.LogInformation("Polled {Mailbox}: {Result}", inbox.Name, polled);
        return polled;
    }

    async Task<IntakeResult> ProcessOneAsync(InboxSettings inbox, Desks.Desk desk, IMailFolder folder, IMessageSummary summary, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var intake = scope.ServiceProvider.GetRequiredService<MailIntake>();
        var size = (long?)summary.Size ?? 0;
        if (size > settings.MaxMessageBytes)
        {
            var headers = await TryHeadersAsync(folder, summary.UniqueId, ct);
            await using var stream = await folder.GetStreamAsync(summary.UniqueId, "", ct);
            return await intake.QuarantineAsync(inbox, desk, stream, size, headers, "too-large",
                $"The message is {Api.Problems.Bytes(size)}, over the limit of {Api.Problems.Bytes(settings.MaxMessageBytes)} (Mail:MaxMessageBytes).", ct);
        }

        byte[] raw;
        await using (var stream = await folder.GetStreamAsync(summary.UniqueId, "", ct))
        using (var buffer = new MemoryStream(size is > 0 and < int.MaxValue ? (int)size : 0))
        {
            await stream.CopyToAsync(buffer, ct);
            raw = buffer.ToArray();
        }
        if (raw.LongLength > settings.MaxMessageBytes)
        {
            using var content = new MemoryStream(raw, writable: false);
            return await intake.QuarantineAsync(inbox, desk, content, raw.LongLength, null, "too-large",
                $"The message is {Api.Problems.Bytes(raw.LongLength)}, over the limit of {Api.Problems.Bytes(settings.MaxMessageBytes)} (Mail:MaxMessageBytes).", ct);
        }
        try
        {
            return await intake.ProcessAsync(inbox, raw, ct, desk);
        }
        catch (Exception e) when (e is not (OperationCanceledException or Microsoft.EntityFrameworkCore.DbUpdateException
            or System.Data.Common.DbException or InvalidOperationException))
        {
            // Whatever else goes wrong with this one message must not block the mailbox: keep it for an admin.
            log.LogError(e, "Mail {Uid} in {Mailbox} could not be processed; it is quarantined.", summary.UniqueId, inbox.Name);
            using var retryScope = scopes.CreateScope();
            using var content = new MemoryStream(raw, writable: false);
            return await retryScope.ServiceProvider.GetRequiredService<MailIntake>().QuarantineAsync(inbox, desk, content, raw.LongLength, null,
                "failed", $"Processing failed: {e.GetType().Name}: {e.Message}", ct);
        }
    }

    static async Task<MimeKit.MimeMessage?> TryHeadersAsync(IMailFolder folder, UniqueId uid, CancellationToken ct)
    {
        try
        {
            var headers = await folder.GetHeadersAsync(uid, ct);
            using var block = new MemoryStream();
            await headers.WriteToAsync(block, ct);
            block.Write("\r\n"u8);
            block.Position = 0;
            return await MimeKit.MimeMessage.LoadAsync(block, ct);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>The scheduled job "mail.poll": one poll of every desk mailbox (Mail:PollSeconds apart).</summary>
public sealed class MailPollJob(IConfiguration configuration) : IScheduledJob
{
    public string Name => "mail.poll";

    /// <summary>Mail:PollSeconds, read leniently: a bad value is reported by the run, not by listing the jobs.</summary>
    public TimeSpan Interval => long.TryParse(configuration["Mail:PollSeconds"], out var seconds) && seconds > 0
        ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromSeconds(60);

    public Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<MailboxPoller>().PollAllAsync(cancellationToken);
}
