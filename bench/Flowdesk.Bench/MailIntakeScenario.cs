using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench;

/// <summary>
/// Times email intake end to end, as a desk's mailbox poll does it:
///   mail-intake --server DIR --messages N [--database sqlite|postgres] [--connection CS] [--data-path DIR] [--fixtures DIR] [--batch 200] [--out mail-intake.json]
/// Starts a private Dovecot (<see cref="MailIntakeDovecot"/>), delivers N messages of the mix
/// (<see cref="MailIntakeMessages"/>) into the IT desk's mailbox over LMTP (not timed), starts the published server
/// (DIR) on the given database — bench/run.sh passes the database it loaded — or on a fresh SQLite file, with its
/// background jobs off and that mailbox configured as Mail:Inboxes:0 (batch size Mail:BatchSize), then runs the
/// product's own job "mail.poll" (MailboxPoller over IMAP, MailIntake per message) through the admin API until every
/// message is processed. Messages per second = N ÷ the time the polls took in the server. Fails when the tickets,
/// comments, ignored mails, attachments or \Seen flags are not what the mix must produce.
/// </summary>
public static class MailIntakeScenario
{

    public sealed record Poll(int Number, double Milliseconds, double ServerMilliseconds, double ServerCpuMilliseconds, int Processed, bool Succeeded, string? Error);

    /// <param name="SteadyMessagesPerSecond">The later half of the polls alone: a server that has run for a while (JIT tiers, caches).</param>
    public sealed record Result(string Database, string Transport, int Messages, int BatchSize, double MessagesPerSecond, double WallMessagesPerSecond,
        double SteadyMessagesPerSecond, double Seconds, double ServerCpuMillisecondsPerMessage, List<Poll> Polls, Dictionary<string, int> Mix, int ExpectedTickets, int Tickets, int ExpectedComments, int Comments,
        int ExpectedIgnored, int Ignored, int Quarantined, int ExpectedAttachments, int Attachments, int NewRequesters, int SeenInMailbox,
        List<string> Failures)
    {
        public bool Succeeded => Failures.Count == 0;
    }

    public static async Task<Result> RunAsync(string serverDir, string database, string? connection, string? dataPath, int messages, string? fixtures, int batch, Action<string> log)
    {
        if (messages < 20) throw new ArgumentException("--messages must be at least 20 (one full cycle of the mix)");
        if (MailIntakeDovecot.Unavailable() is { } why)
            throw new InvalidOperationException($"mail-intake not measured: {why}. The scenario measures the poll over a real IMAP server only.");
        fixtures ??= MailIntakeMessages.FindFixtures();
        var data = Path.Combine(Path.GetTempPath(), "flowdesk-mail-intake-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        var fresh = connection is null;
        connection ??= database == "sqlite" ? $"Data Source={Path.Combine(data, "flowdesk.db")}" : throw new ArgumentException("--connection is required for postgres");

        using var dovecot = await MailIntakeDovecot.StartAsync();
        log($"Dovecot on 127.0.0.1: IMAP {dovecot.ImapPort}, LMTP {dovecot.LmtpPort}");
        var port = BenchServer.FreePort();
        var url = $"http://127.0.0.1:{port}";
        using var server = BenchServer.Start(serverDir, url, data,
        [
            $"--Flowdesk:Database={database}", $"--ConnectionStrings:Flowdesk={connection}", $"--Flowdesk:DataPath={dataPath ?? Path.Combine(data, "files")}",
            $"--Flowdesk:Demo={(fresh ? "true" : "false")}", "--Logging:LogLevel:Flowdesk.Mail.MailboxPoller=Information",
            "--Mail:Inboxes:0:Desk=it", $"--Mail:Inboxes:0:Host={MailIntakeDovecot.Host}", $"--Mail:Inboxes:0:Port={dovecot.ImapPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Mail:Inboxes:0:User={MailIntakeMessages.DeskAddress}", $"--Mail:Inboxes:0:Password={MailIntakeDovecot.Password}", "--Mail:Inboxes:0:Tls=none",
            $"--Mail:Inboxes:0:Address={MailIntakeMessages.DeskAddress}", $"--Mail:BatchSize={batch.ToString(CultureInfo.InvariantCulture)}",
        ]);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
            await BenchServer.WaitReady(http, server, log);
            log($"server pid {server.Id}");

            // The mix: known senders are people of the database; ticket numbers continue the IT desk's counter.
            List<MailIntakeMessages.Sender> known;
            string prefix;
            long next;
            using (var target = BulkTarget.Create(database, connection))
            {
                var it = target.Desks().Single(d => d.Key == "it");
                (prefix, next) = (it.Prefix, it.LastNumber + 1);
                known = Senders(target);
            }
            var run = Guid.NewGuid().ToString("N")[..8];
            var mails = MailIntakeMessages.Build(fixtures, messages, known, prefix, next, run, DateTimeOffset.UtcNow);
            var deliver = Stopwatch.StartNew();
            await dovecot.DeliverAsync(mails, MailIntakeMessages.DeskAddress);
            var stored = dovecot.Count(MailIntakeMessages.DeskAddress);
            if (stored.Total != messages) throw new InvalidOperationException($"Dovecot stored {stored.Total} of {messages} messages");
            log($"{messages:N0} messages delivered into {MailIntakeMessages.DeskAddress} over LMTP in {deliver.Elapsed.TotalSeconds:F1} s (not timed)");

            var token = await BenchServer.AdminToken(http);
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var mailbox = $"{MailIntakeMessages.DeskAddress}@{MailIntakeDovecot.Host}:{dovecot.ImapPort}/INBOX";
            List<Poll> polls = [];
            var processed = 0;
            var wall = Stopwatch.StartNew();
            var wallMs = 0.0;
            for (var i = 1; processed < messages && i <= messages / Math.Max(1, batch) + 3; i++)
            {
                var cpuBefore = CpuMilliseconds(server.Id);
                var watch = Stopwatch.StartNew();
                var response = await http.PostAsync("/api/v1/admin/jobs/mail.poll/run", null);
                var elapsed = watch.Elapsed.TotalMilliseconds;
                var cpu = CpuMilliseconds(server.Id) - cpuBefore;
                wallMs += elapsed;
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"poll {i}: {(int)response.StatusCode} {body}");
                using var json = JsonDocument.Parse(body);
                var succeeded = json.RootElement.GetProperty("succeeded").GetBoolean();
                var error = json.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                int now;
                using (var target = BulkTarget.Create(database, connection))
                    now = (int)target.Scalar($"SELECT COUNT(*) FROM inbound_mail WHERE mailbox = '{mailbox}'");
                var poll = new Poll(i, elapsed, json.RootElement.GetProperty("durationMilliseconds").GetDouble(), cpu, now - processed, succeeded, error);
                processed = now;
                polls.Add(poll);
                log($"poll {i}: {poll.Processed} messages in {poll.ServerMilliseconds:F0} ms in the server ({poll.Milliseconds:F0} ms with HTTP)" +
                    $" = {1000 * poll.Processed / poll.ServerMilliseconds:F0}/s, server CPU {cpu / Math.Max(1, poll.Processed):F1} ms/message{(succeeded ? "" : " FAILED: " + error)}");
                if (!succeeded || poll.Processed == 0) break;
            }
            wall.Stop();

            var serverMs = polls.Sum(p => p.ServerMilliseconds);
            var rate = processed / (serverMs / 1000);
            var wallRate = processed / (wallMs / 1000);
            var cpuPerMessage = polls.Sum(p => p.ServerCpuMilliseconds) / Math.Max(1, processed);
            var later = polls.Where(p => p.Processed > 0).Skip(polls.Count(p => p.Processed > 0) / 2).ToList();
            var steady = later.Sum(p => p.Processed) / (later.Sum(p => p.ServerMilliseconds) / 1000);
            List<string> failures = [];
            int Outcome(BulkTarget t, string outcome) =>
                (int)t.Scalar($"SELECT COUNT(*) FROM inbound_mail WHERE mailbox = '{mailbox}' AND outcome = '{outcome}'");
            using var check = BulkTarget.Create(database, connection);
            var tickets = (int)check.Scalar($"SELECT COUNT(*) FROM tickets WHERE id IN (SELECT ticket_id FROM inbound_mail WHERE mailbox = '{mailbox}' AND outcome = 'Ticket')");
            var comments = (int)check.Scalar($"SELECT COUNT(*) FROM comments WHERE id IN (SELECT comment_id FROM inbound_mail WHERE mailbox = '{mailbox}' AND outcome = 'Comment')");
            var ignored = Outcome(check, "Ignored");
            var quarantined = Outcome(check, "Quarantined");
            var attachments = (int)check.Scalar($"SELECT COUNT(*) FROM attachments WHERE ticket_id IN (SELECT ticket_id FROM inbound_mail WHERE mailbox = '{mailbox}' AND outcome = 'Ticket')");
            var requesters = (int)check.Scalar($"SELECT COUNT(*) FROM people WHERE email LIKE 'guest.{run}.%'");
            var ticketRows = Outcome(check, "Ticket");
            var commentRows = Outcome(check, "Comment");
            var seen = dovecot.Count(MailIntakeMessages.DeskAddress).Seen;
            var expectTickets = mails.Count(m => m.Expect == MailExpectation.Ticket);
            var expectComments = mails.Count(m => m.Expect == MailExpectation.Comment);
            var expectIgnored = mails.Count(m => m.Expect == MailExpectation.Ignored);
            var expectAttachments = mails.Sum(m => m.Attachments);
            var expectRequesters = mails.Count(m => m.Kind.Contains("unknown", StringComparison.Ordinal));
            void Expect(string what, int expected, int actual)
            {
                if (expected != actual) failures.Add($"{what}: expected {expected}, found {actual}");
            }
            Expect("messages processed", messages, processed);
            Expect("tickets created", expectTickets, tickets);
            Expect("mails recorded as tickets", expectTickets, ticketRows);
            Expect("comments created", expectComments, comments);
            Expect("mails recorded as comments", expectComments, commentRows);
            Expect("mails ignored (auto-replies, bounces)", expectIgnored, ignored);
            Expect("mails quarantined", 0, quarantined);
            Expect("attachments kept", expectAttachments, attachments);
            Expect("new requesters (unknown senders)", expectRequesters, requesters);
            Expect("messages flagged \\Seen in the mailbox", messages, seen);
            if (polls.Any(p => !p.Succeeded)) failures.Add("a poll failed: " + polls.First(p => !p.Succeeded).Error);
            foreach (var failure in failures) log("FAILED: " + failure);
            log($"mail intake: {processed:N0} messages in {serverMs / 1000:F2} s = {rate:F0} messages/s ({wallRate:F0}/s with HTTP; later half of the polls {steady:F0}/s), server CPU {cpuPerMessage:F1} ms/message; " +
                $"{tickets} tickets, {comments} comments, {ignored} ignored, {attachments} attachments, {requesters} new requesters");
            var mix = mails.GroupBy(m => m.Kind).ToDictionary(g => g.Key, g => g.Count());
            return new Result(database, $"IMAP (Dovecot {DovecotVersion()}, 127.0.0.1, no TLS)", messages, batch, rate, wallRate, steady, serverMs / 1000, cpuPerMessage, polls, mix,
                expectTickets, tickets, expectComments, comments, expectIgnored, ignored, quarantined, expectAttachments, attachments, requesters, seen, failures);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Active people with an address who are not integrations; people of the generated organisation first.</summary>
    static List<MailIntakeMessages.Sender> Senders(BulkTarget target)
    {
        using var command = target.Connection.CreateCommand();
        command.CommandText = "SELECT display_name, email FROM people WHERE is_active AND NOT is_integration AND email IS NOT NULL AND email LIKE '%@%' " +
                              "ORDER BY CASE WHEN user_name LIKE 'emp%' THEN 0 ELSE 1 END, user_name LIMIT 500";
        using var reader = command.ExecuteReader();
        List<MailIntakeMessages.Sender> senders = [];
        while (reader.Read()) senders.Add(new(reader.GetString(0), reader.GetString(1)));
        return senders;
    }

    /// <summary>User + system CPU time of a process so far (/proc/PID/stat, clock ticks of 10 ms), or NaN off Linux.</summary>
    static double CpuMilliseconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    static string DovecotVersion()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("/usr/sbin/dovecot", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return text.Split(' ')[0];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }

}
