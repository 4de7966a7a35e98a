using System.Collections.Concurrent;
using System.Text.Json;
using Flowdesk.Jobs;
using Flowdesk.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Jobs;

/// <summary>Who received what, across every node of a test (shared by the deliveries of all service providers).</summary>
public sealed class DeliveryLog
{
    readonly ConcurrentDictionary<Guid, int> attempts = new();
    readonly ConcurrentDictionary<Guid, int> delivered = new();
    readonly ConcurrentDictionary<Guid, string> keys = new();

    public int Attempt(Guid id) => attempts.AddOrUpdate(id, 1, (_, n) => n + 1);

    public void Delivered(OutboxMessage message)
    {
        delivered.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        keys[message.Id] = message.IdempotencyKey;
    }

    public int DeliveredCount(Guid id) => delivered.GetValueOrDefault(id);

    public int Attempts(Guid id) => attempts.GetValueOrDefault(id);

    public string? KeyOf(Guid id) => keys.GetValueOrDefault(id);
}

/// <summary>
/// Deliveries for the outbox tests. test.flaky fails the first "failTimes" attempts of a message (its payload says how
/// many); test.down always fails; test.permanent refuses for good; test.slow yields before delivering so two workers
/// interleave.
/// </summary>
public static class TestDeliveries
{
    public static void Add(IServiceCollection services, DeliveryLog log)
    {
        services.AddSingleton(log);
        services.AddOutboxDelivery<Flaky>();
        services.AddOutboxDelivery<Down>();
        services.AddOutboxDelivery<Permanent>();
        services.AddOutboxDelivery<Slow>();
    }

    sealed class Flaky(DeliveryLog log) : IOutboxDelivery
    {
        public string Kind => "test.flaky";

        public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            var attempt = log.Attempt(message.Id);
            using var payload = JsonDocument.Parse(message.Payload);
            var failTimes = payload.RootElement.TryGetProperty("failTimes", out var f) ? f.GetInt32() : 0;
            if (attempt <= failTimes) throw new InvalidOperationException($"target down (attempt {attempt})");
            log.Delivered(message);
            return Task.CompletedTask;
        }
    }

    sealed class Down(DeliveryLog log) : IOutboxDelivery
    {
        public string Kind => "test.down";

        public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            log.Attempt(message.Id);
            throw new HttpRequestException("connection refused");
        }
    }

    sealed class Permanent(DeliveryLog log) : IOutboxDelivery
    {
        public string Kind => "test.permanent";

        public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            log.Attempt(message.Id);
            throw new PermanentDeliveryException("no such mailbox: nobody@example.invalid");
        }
    }

    sealed class Slow(DeliveryLog log) : IOutboxDelivery
    {
        public string Kind => "test.slow";

        public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            log.Attempt(message.Id);
            await Task.Yield();
            log.Delivered(message);
        }
    }
}
