using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Flowdesk.Outbox;

/// <summary>Settings under Flowdesk:Outbox.</summary>
public sealed class OutboxOptions
{
    /// <summary>How often the worker looks for messages to deliver (it goes on at once while it finds full batches).</summary>
    public double PollSeconds { get; set; } = 2;
    /// <summary>Messages claimed at a time.</summary>
    public int BatchSize { get; set; } = 20;
    /// <summary>How long a claim keeps other workers away; a worker that dies mid-send loses its messages to others after it.</summary>
    public double LeaseSeconds { get; set; } = 300;
    /// <summary>Longest a single delivery may take before it counts as a failed attempt.</summary>
    public double DeliveryTimeoutSeconds { get; set; } = 60;
    /// <summary>Attempts before a message is dead (dead-lettered for an admin to look at).</summary>
    public int MaxAttempts { get; set; } = 10;
    /// <summary>Wait after the first failed attempt; it doubles with each further failure.</summary>
    public double RetryBaseSeconds { get; set; } = 30;
    /// <summary>Longest wait between attempts.</summary>
    public double RetryMaxSeconds { get; set; } = 3600;
}

/// <summary>What one pass of the worker did.</summary>
public sealed record OutboxPass(int Claimed, int Sent, int Retrying, int Dead);

/// <summary>
/// Drains the outbox: claims due messages with a lease (PostgreSQL: an UPDATE over a SELECT … FOR UPDATE SKIP LOCKED;
/// SQLite: one conditional UPDATE, atomic under its single writer), hands each to the <see cref="IOutboxDelivery"/> of
/// its kind in a fresh scope, and records the outcome — sent; failed with the next attempt after an exponential
/// back-off with jitter; or dead after <see cref="OutboxOptions.MaxAttempts"/> attempts or a
/// <see cref="PermanentDeliveryException"/>. A message whose kind no delivery here handles is never claimed: it
/// stays pending with an error saying so, for a later deploy to deliver. Delivery is at least once; deliveries get
/// the message id as idempotency key so a repeat after a crash mid-send can be recognised.
/// </summary>
public sealed class OutboxWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptions<OutboxOptions> options, ILogger<OutboxWorker> log)
{
    public const int ErrorMax = 2000;
    public const string NoDeliveryError = "No delivery for this kind is installed; the message waits for one.";

    public string WorkerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    OutboxOptions Options => options.Value;

    /// <summary>
    /// One pass: claims up to a batch of due messages and delivers them one after the other.
    /// Tests call it directly with a fake clock.
    /// </summary>
    public async Task<OutboxPass> RunDueOnceAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        now = now.ToUniversalTime();
        List<string> kinds;
        Dictionary<string, string> unavailable;
        using (var scope = scopes.CreateScope())
        {
            var deliveries = scope.ServiceProvider.GetServices<IOutboxDelivery>().ToList();
            unavailable = deliveries.Select(d => (d.Kind, Reason: d.Unavailable)).Where(d => d.Reason is not null)
                .DistinctBy(d => d.Kind, StringComparer.Ordinal).ToDictionary(d => d.Kind, d => d.Reason!, StringComparer.Ordinal);
            kinds = deliveries.Select(d => d.Kind).Where(k => !unavailable.ContainsKey(k)).Distinct(StringComparer.Ordinal).ToList();
        }
        await FlagWaitingAsync(kinds, unavailable, now, ct);
        if (kinds.Count == 0) return new OutboxPass(0, 0, 0, 0);

        var token = Ids.New().ToString("N");
        var messages = await ClaimAsync(kinds, token, now, ct);
        int sent = 0, retrying = 0, dead = 0;
        foreach (var message in messages)
        {
            switch (await DeliverAsync(message, token, now, ct))
            {
                case OutboxStatus.Sent: sent++; break;
                case OutboxStatus.Dead: dead++; break;
                case OutboxStatus.Failed: retrying++; break;
                case OutboxStatus.Pending: break;
                default: throw new InvalidOperationException("Unknown outbox status.");
            }
        }
        return new OutboxPass(messages.Count, sent, retrying, dead);
    }

    DateTimeOffset flaggedAt = DateTimeOffset.MinValue;
    string flaggedFor = "";

    /// <summary>How far before the previous pass a later pass looks again, for a message committed a while after it was made.</summary>
    static readonly TimeSpan FlagOverlap = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Messages no installed delivery handles, or whose delivery lacks its settings, keep their place in the queue and
    /// say why they wait. When what is installed or ready changes (and on the first pass) every waiting message is
    /// looked at; otherwise, once a minute, only those made since the previous pass. Looking at all of them each minute
    /// held the write lock for 1.6 s with 400,000 mails waiting for SMTP, stalling every writer of the installation.
    /// A waiting message is never attempted, so its next attempt is still its creation time, which the index on kind,
    /// status and next attempt finds.
    /// </summary>
    async Task FlagWaitingAsync(List<string> kinds, Dictionary<string, string> unavailable, DateTimeOffset now, CancellationToken ct)
    {
        var state = string.Join('\n', kinds.Order(StringComparer.Ordinal)) + "\n--\n"
            + string.Join('\n', unavailable.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => u.Key + "=" + u.Value));
        var unchanged = state == flaggedFor && now >= flaggedAt;
        if (unchanged && now - flaggedAt < TimeSpan.FromMinutes(1)) return;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        var waiting = db.OutboxMessages.Where(m => m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Failed);
        if (unchanged)
        {
            var since = flaggedAt - FlagOverlap;
            waiting = waiting.Where(m => m.NextAttemptAt >= since);
        }
        var known = kinds.Concat(unavailable.Keys).ToList();
        await waiting.Where(m => !known.Contains(m.Kind) && (m.LastError == null || m.LastError != NoDeliveryError))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastError, NoDeliveryError), ct);
        foreach (var (kind, reason) in unavailable)
        {
            await waiting.Where(m => m.Kind == kind && (m.LastError == null || m.LastError != reason))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastError, reason), ct);
        }
        flaggedFor = state;
        flaggedAt = now;
    }

    async Task<List<OutboxMessage>> ClaimAsync(List<string> kinds, string token, DateTimeOffset now, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        var until = now + TimeSpan.FromSeconds(Math.Max(1, Options.LeaseSeconds));
        var batch = Math.Clamp(Options.BatchSize, 1, 1000);
        if (db.Provider == DatabaseProvider.Postgres)
        {
            var kindArray = kinds.ToArray();
            // Rows another worker is claiming are skipped, not waited for; a row it claimed a moment ago fails the
            // re-check of claimed_until that PostgreSQL makes on the locked row.
            await db.Database.ExecuteSqlAsync($"""
                UPDATE outbox SET claimed_by = {token}, claimed_until = {until}
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE status IN (1, 3) AND next_attempt_at <= {now} AND (claimed_until IS NULL OR claimed_until < {now}) AND kind = ANY({kindArray})
                    ORDER BY next_attempt_at
                    LIMIT {batch}
                    FOR UPDATE SKIP LOCKED)
                  AND (claimed_until IS NULL OR claimed_until < {now})
                """, ct);
        }
        else
        {
            // SQLite runs one writer at a time, so this single conditional UPDATE claims atomically.
            var due = db.OutboxMessages
                .Where(m => (m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Failed) && m.NextAttemptAt <= now
                    && (m.ClaimedUntil == null || m.ClaimedUntil < now) && kinds.Contains(m.Kind))
                .OrderBy(m => m.NextAttemptAt).Take(batch).Select(m => m.Id);
            await db.OutboxMessages.Where(m => due.Contains(m.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedBy, token).SetProperty(m => m.ClaimedUntil, until), ct);
        }
        return await db.OutboxMessages.AsNoTracking().Where(m => m.ClaimedBy == token).OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).ToListAsync(ct);
    }

    async Task<OutboxStatus> DeliverAsync(OutboxMessage message, string token, DateTimeOffset now, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        Exception? failure = null;
        try
        {
            using var scope = scopes.CreateScope();
            var delivery = scope.ServiceProvider.GetServices<IOutboxDelivery>().First(d => d.Kind == message.Kind);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, Options.DeliveryTimeoutSeconds)));
            await delivery.DeliverAsync(message, timeout.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: give the message back at once, without counting an attempt.
            await RecordAsync(message.Id, token, s => s.SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null));
            return OutboxStatus.Pending;
        }
        catch (Exception e)
        {
            failure = e;
        }

        var finished = now + clock.GetElapsedTime(started);
        var attempts = message.Attempts + 1;
        if (failure is null)
        {
            await RecordAsync(message.Id, token, s => s
                .SetProperty(m => m.Status, OutboxStatus.Sent).SetProperty(m => m.SentAt, finished).SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.LastError, (string?)null)
                .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null));
            return OutboxStatus.Sent;
        }

        var error = Describe(failure);
        var permanent = failure is PermanentDeliveryException;
        if (permanent || attempts >= Math.Max(1, Options.MaxAttempts))
        {
            log.LogError(failure, "Outbox message {Id} ({Kind}) is dead after {Attempts} attempts", message.Id, message.Kind, attempts);
            await RecordAsync(message.Id, token, s => s
                .SetProperty(m => m.Status, OutboxStatus.Dead).SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastError, error)
                .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null));
            return OutboxStatus.Dead;
        }

        var next = finished + RetryDelay(attempts, Random.Shared.NextDouble());
        log.LogWarning(failure, "Outbox message {Id} ({Kind}) failed attempt {Attempts}; next at {Next}", message.Id, message.Kind, attempts, next);
        await RecordAsync(message.Id, token, s => s
            .SetProperty(m => m.Status, OutboxStatus.Failed).SetProperty(m => m.Attempts, attempts).SetProperty(m => m.LastError, error)
            .SetProperty(m => m.NextAttemptAt, next)
            .SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null));
        return OutboxStatus.Failed;
    }

    /// <summary>
    /// Wait before the next attempt after <paramref name="attempts"/> failed ones: base · 2^(attempts−1), capped, less up
    /// to a fifth at random so messages that failed together (a target that was down) do not all return together.
    /// </summary>
    public TimeSpan RetryDelay(int attempts, double random)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 30);
        var seconds = Math.Min(Math.Max(1, Options.RetryBaseSeconds) * Math.Pow(2, exponent), Math.Max(1, Options.RetryMaxSeconds));
        return TimeSpan.FromSeconds(seconds * (1 - 0.2 * Math.Clamp(random, 0, 1)));
    }

    /// <summary>Writes an outcome only while the claim is still ours (a lease that ran out belongs to the next worker).</summary>
    async Task RecordAsync(Guid id, string token,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<OutboxMessage>> setters)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        await db.OutboxMessages.Where(m => m.Id == id && m.ClaimedBy == token).ExecuteUpdateAsync(setters, CancellationToken.None);
    }

    static string Describe(Exception e)
    {
        var text = e.GetType().Name + ": " + e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException) text += " → " + inner.GetType().Name + ": " + inner.Message;
        return text.Length <= ErrorMax ? text : text[..(ErrorMax - 1)] + "…";
    }
}

/// <summary>Polls the <see cref="OutboxWorker"/> while the host runs.</summary>
sealed class OutboxWorkerService(OutboxWorker worker, TimeProvider clock, IOptions<OutboxOptions> options, ILogger<OutboxWorkerService> log)
    : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(0.1, options.Value.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                var pass = await worker.RunDueOnceAsync(clock.GetUtcNow(), stoppingToken);
                full = pass.Claimed >= Math.Max(1, options.Value.BatchSize);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "The outbox worker could not deliver due messages");
            }
            if (full) continue; // more are waiting
            try { await Task.Delay(interval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}

/// <summary>The worker's claim columns on the outbox table (the table itself is configured in FlowdeskDb).</summary>
static class OutboxModel
{
    public static void Configure(Microsoft.EntityFrameworkCore.ModelBuilder builder) =>
        builder.Entity<OutboxMessage>(o =>
        {
            o.Property(x => x.ClaimedBy).HasMaxLength(64);
            o.Ignore(x => x.IdempotencyKey);
        });
}
