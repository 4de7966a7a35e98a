using System.Net;
using System.Net.Http.Json;
using Flowdesk.Outbox;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Outbox;

/// <summary>The outbox worker against the real database, driven pass by pass on a fake clock (MaxAttempts is 4 here).</summary>
public sealed class OutboxWorkerTests(JobsApp app) : IClassFixture<JobsApp>
{
    async Task<Guid> Enqueue(string kind, string payload = "{}")
    {
        var message = new OutboxMessage(kind, payload, null, app.Clock.GetUtcNow());
        await app.Db(async db => { db.OutboxMessages.Add(message); await db.SaveChangesAsync(); return true; });
        return message.Id;
    }

    Task<OutboxMessage> Message(Guid id) => app.Db(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id));

    /// <summary>Passes until the message is no longer due at <paramref name="now"/> (other tests' messages may share a batch).</summary>
    async Task Drain(DateTimeOffset now)
    {
        for (var i = 0; i < 50 && (await app.Worker.RunDueOnceAsync(now)).Claimed > 0; i++) { }
    }

    [Fact]
    public async Task TargetDownTwice_IsRetriedWithBackOff_ThenSentOnce()
    {
        var id = await Enqueue("test.flaky", """{"failTimes":2}""");
        var t0 = app.Clock.GetUtcNow();

        await Drain(t0);
        var first = await Message(id);
        Assert.Equal(OutboxStatus.Failed, first.Status);
        Assert.Equal(1, first.Attempts);
        Assert.Contains("target down (attempt 1)", first.LastError, StringComparison.Ordinal);
        // 30 s after the first failure, less up to a fifth of jitter.
        Assert.InRange(first.NextAttemptAt, t0 + TimeSpan.FromSeconds(24), t0 + TimeSpan.FromSeconds(30));
        Assert.Null(first.ClaimedBy);

        await Drain(first.NextAttemptAt - TimeSpan.FromSeconds(1));
        Assert.Equal(1, app.Deliveries.Attempts(id));

        await Drain(first.NextAttemptAt);
        var second = await Message(id);
        Assert.Equal(OutboxStatus.Failed, second.Status);
        Assert.Equal(2, second.Attempts);
        // The wait doubles: 60 s after the second failure.
        Assert.InRange(second.NextAttemptAt, first.NextAttemptAt + TimeSpan.FromSeconds(48), first.NextAttemptAt + TimeSpan.FromSeconds(60));

        await Drain(second.NextAttemptAt);
        var sent = await Message(id);
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(3, sent.Attempts);
        Assert.Null(sent.LastError);
        Assert.Equal(second.NextAttemptAt, sent.SentAt);
        Assert.Equal(1, app.Deliveries.DeliveredCount(id));
        Assert.Equal(id.ToString("N"), app.Deliveries.KeyOf(id));

        await Drain(second.NextAttemptAt + TimeSpan.FromDays(1));
        Assert.Equal(1, app.Deliveries.DeliveredCount(id));
    }

    [Fact]
    public void BackOff_Doubles_AndIsCappedAtAnHour()
    {
        var worker = app.Worker;
        Assert.Equal(TimeSpan.FromSeconds(30), worker.RetryDelay(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(60), worker.RetryDelay(2, 0));
        Assert.Equal(TimeSpan.FromSeconds(240), worker.RetryDelay(4, 0));
        Assert.Equal(TimeSpan.FromHours(1), worker.RetryDelay(8, 0));
        Assert.Equal(TimeSpan.FromHours(1), worker.RetryDelay(30, 0));
        Assert.Equal(TimeSpan.FromSeconds(24), worker.RetryDelay(1, 1));
    }

    [Fact]
    public async Task TargetAlwaysDown_IsDeadAfterMaxAttempts_AndAnAdminCanRetryIt()
    {
        var id = await Enqueue("test.down");
        var now = app.Clock.GetUtcNow();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await Drain(now);
            now += TimeSpan.FromHours(2);
        }
        var dead = await Message(id);
        Assert.Equal(OutboxStatus.Dead, dead.Status);
        Assert.Equal(4, dead.Attempts);
        Assert.Contains("connection refused", dead.LastError, StringComparison.Ordinal);
        await Drain(now + TimeSpan.FromDays(3));
        Assert.Equal(4, app.Deliveries.Attempts(id));

        var admin = await app.Client("admin");
        var list = await (await admin.GetAsync("/api/v1/admin/outbox?status=dead&kind=test.down")).ShouldBe(HttpStatusCode.OK);
        var item = Assert.Single(list.GetProperty("items").EnumerateArray(), m => m.Str("id") == id.ToString());
        Assert.Equal("dead", item.Str("status"));
        Assert.Equal(4, item.GetProperty("attempts").GetInt32());
        var detail = await (await admin.GetAsync($"/api/v1/admin/outbox/{id}")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains("connection refused", detail.Str("lastError"), StringComparison.Ordinal);
        Assert.Equal(id.ToString("N"), detail.Str("idempotencyKey"));
        var counts = await (await admin.GetAsync("/api/v1/admin/outbox/counts")).ShouldBe(HttpStatusCode.OK);
        Assert.True(counts.GetProperty("dead").GetInt32() >= 1);

        var retried = await (await admin.PostAsync($"/api/v1/admin/outbox/{id}/retry", null)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("pending", retried.Str("status"));
        Assert.Equal(0, retried.GetProperty("attempts").GetInt32());
        // Only a dead message can be retried; this one is pending again now.
        await (await admin.PostAsync($"/api/v1/admin/outbox/{id}/retry", null)).ShouldBe(HttpStatusCode.Conflict);

        await Drain(app.Clock.GetUtcNow());
        Assert.Equal(5, app.Deliveries.Attempts(id));
        Assert.Equal(OutboxStatus.Failed, (await Message(id)).Status);
    }

    [Fact]
    public async Task PermanentFailure_IsDeadAtOnce()
    {
        var id = await Enqueue("test.permanent");
        await Drain(app.Clock.GetUtcNow());
        var dead = await Message(id);
        Assert.Equal(OutboxStatus.Dead, dead.Status);
        Assert.Equal(1, dead.Attempts);
        Assert.Contains("no such mailbox", dead.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownKind_StaysPending_WithAnError_ForALaterDeploy()
    {
        var id = await Enqueue("test.not-installed");
        await Drain(app.Clock.GetUtcNow());
        await Drain(app.Clock.GetUtcNow() + TimeSpan.FromDays(2));
        var waiting = await Message(id);
        Assert.Equal(OutboxStatus.Pending, waiting.Status);
        Assert.Equal(0, waiting.Attempts);
        Assert.Equal(OutboxWorker.NoDeliveryError, waiting.LastError);
        Assert.Null(waiting.ClaimedBy);
    }

    [Fact]
    public async Task WaitingMessages_AreFlaggedAsTheyCome_WithoutLookingAgainAtTheWholeQueue()
    {
        var t0 = app.Clock.GetUtcNow() + TimeSpan.FromDays(100); // after every other test's passes
        async Task<Guid> EnqueueAt(DateTimeOffset at)
        {
            var message = new OutboxMessage("test.not-installed", "{}", null, at);
            await app.Db(async db => { db.OutboxMessages.Add(message); await db.SaveChangesAsync(); return true; });
            return message.Id;
        }

        var early = await EnqueueAt(t0);
        await app.Worker.RunDueOnceAsync(t0);
        Assert.Equal(OutboxWorker.NoDeliveryError, (await Message(early)).LastError);
        await app.Worker.RunDueOnceAsync(t0 + TimeSpan.FromMinutes(30));

        // A row the minute's pass must not read again: the early message, its note cleared behind the worker's back.
        await app.Db(db => db.OutboxMessages.Where(m => m.Id == early).ExecuteUpdateAsync(s => s.SetProperty(m => m.LastError, (string?)null)));
        var late = await EnqueueAt(t0 + TimeSpan.FromHours(1));
        await app.Worker.RunDueOnceAsync(t0 + TimeSpan.FromHours(1));

        Assert.Equal(OutboxWorker.NoDeliveryError, (await Message(late)).LastError);
        Assert.Null((await Message(early)).LastError);
        Assert.Equal(OutboxStatus.Pending, (await Message(late)).Status);
    }

    [Fact]
    public async Task Email_WaitsUnclaimed_WithoutSpendingAttempts_WhileNoSmtpServerIsConfigured()
    {
        var id = await Enqueue(Flowdesk.Mail.SmtpEmailDelivery.EmailKind,
            """{"to":[{"address":"alice@example.com"}],"subject":"Hello","text":"Hi"}""");
        await Drain(app.Clock.GetUtcNow());
        await Drain(app.Clock.GetUtcNow() + TimeSpan.FromDays(1));
        var waiting = await Message(id);
        Assert.Equal(OutboxStatus.Pending, waiting.Status);
        Assert.Equal(0, waiting.Attempts);
        Assert.Equal(Flowdesk.Mail.SmtpEmailDelivery.NotConfigured, waiting.LastError);
        Assert.Null(waiting.ClaimedBy);
    }

    [Fact]
    public async Task TwoWorkers_NeverDeliverOneMessageTwice()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 60; i++) ids.Add(await Enqueue("test.slow"));
        await using var other = app.SecondNode();
        var second = other.GetRequiredService<OutboxWorker>();
        var now = app.Clock.GetUtcNow();

        for (var round = 0; round < 20 && ids.Any(id => app.Deliveries.DeliveredCount(id) == 0); round++)
            await Task.WhenAll(app.Worker.RunDueOnceAsync(now), second.RunDueOnceAsync(now), app.Worker.RunDueOnceAsync(now), second.RunDueOnceAsync(now));

        Assert.All(ids, id => Assert.Equal(1, app.Deliveries.DeliveredCount(id)));
        Assert.All(ids, id => Assert.Equal(1, app.Deliveries.Attempts(id)));
        var statuses = await app.Db(db => db.OutboxMessages.Where(m => ids.Contains(m.Id)).Select(m => m.Status).ToListAsync());
        Assert.All(statuses, s => Assert.Equal(OutboxStatus.Sent, s));
    }

    [Fact]
    public async Task MessageClaimedByACrashedWorker_WaitsForItsLease_ThenIsDelivered()
    {
        var id = await Enqueue("test.slow");
        var now = app.Clock.GetUtcNow();
        await app.Db(db => db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.ClaimedBy, "crashed").SetProperty(m => m.ClaimedUntil, now + TimeSpan.FromMinutes(5))));

        await Drain(now + TimeSpan.FromMinutes(4));
        Assert.Equal(0, app.Deliveries.Attempts(id));
        await Drain(now + TimeSpan.FromMinutes(6));
        Assert.Equal(1, app.Deliveries.DeliveredCount(id));
        Assert.Equal(OutboxStatus.Sent, (await Message(id)).Status);
    }

    [Fact]
    public async Task AdminApi_IsForSystemAdminsOnly_AndChecksItsInput()
    {
        var li = await app.Client("li.agent");
        await (await li.GetAsync("/api/v1/admin/outbox")).ShouldBe(HttpStatusCode.NotFound);
        await (await li.GetAsync("/api/v1/admin/outbox/counts")).ShouldBe(HttpStatusCode.NotFound);
        await (await li.PostAsync($"/api/v1/admin/outbox/{Guid.NewGuid()}/retry", null)).ShouldBe(HttpStatusCode.NotFound);

        var admin = await app.Client("admin");
        var bad = await (await admin.GetAsync("/api/v1/admin/outbox?status=lost&pageSize=5000")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("status", bad.Errors().Keys);
        Assert.Contains("pageSize", bad.Errors().Keys);
        await (await admin.GetAsync($"/api/v1/admin/outbox/{Guid.NewGuid()}")).ShouldBe(HttpStatusCode.NotFound);
        await (await admin.PostAsync($"/api/v1/admin/outbox/{Guid.NewGuid()}/retry", null)).ShouldBe(HttpStatusCode.NotFound);

        var zh = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/outbox?status=lost");
        zh.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var zhProblem = await (await admin.SendAsync(zh)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotEqual(bad.Errors()["status"][0], zhProblem.Errors()["status"][0]);

        var id = await Enqueue("test.flaky");
        var page = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/admin/outbox?status=pending,failed&pageSize=200");
        Assert.Contains(page.GetProperty("items").EnumerateArray(), m => m.Str("id") == id.ToString());
    }
}
