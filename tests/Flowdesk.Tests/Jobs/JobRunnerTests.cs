using System.Net;
using Flowdesk.Jobs;
using Flowdesk.Persistence;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Jobs;

/// <summary>What a test job did; one per test, shared by the nodes of that test.</summary>
public sealed class JobProbe(string name)
{
    public string Name { get; } = name;
    int runs;
    public int Runs => runs;
    public TaskCompletionSource Started { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Gate { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public bool Fail { get; set; }

    public void Ran() => Interlocked.Increment(ref runs);

    public void Reset()
    {
        Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Counts its runs; waits for the probe's gate when asked to, so a test can hold a run in the middle.</summary>
public sealed class ProbeJob(JobProbe probe) : IScheduledJob
{
    public string Name => probe.Name;
    public TimeSpan Interval => TimeSpan.FromMinutes(10);

    public async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        probe.Ran();
        probe.Started.TrySetResult();
        await probe.Gate.Task.WaitAsync(cancellationToken);
        if (probe.Fail) throw new InvalidOperationException("the directory server did not answer");
    }
}

public sealed class JobRunnerTests(JobsApp app) : IClassFixture<JobsApp>
{
    static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    ServiceProvider Node(JobProbe probe) => app.SecondNode(s =>
    {
        s.AddSingleton(probe);
        s.AddScheduledJob<ProbeJob>();
    });

    Task<ScheduledJobState> Row(string name) => app.Db(db => db.ScheduledJobs.AsNoTracking().SingleAsync(j => j.Name == name));

    [Fact]
    public async Task TwoNodes_RacingOverOneDueJob_RunItExactlyOnce()
    {
        var probe = new JobProbe("test.race." + Guid.NewGuid().ToString("N")[..8]);
        await using var one = Node(probe);
        await using var two = Node(probe);
        var first = one.GetRequiredService<JobRunner>();
        var second = two.GetRequiredService<JobRunner>();

        for (var round = 1; round <= 5; round++)
        {
            probe.Reset();
            var now = app.Clock.GetUtcNow();
            var a = first.RunDueOnceAsync(now);
            var b = second.RunDueOnceAsync(now);
            // One node is inside the job and holds it; the other must come back without having run it.
            await probe.Started.Task.WaitAsync(HangGuard);
            var loser = await Task.WhenAny(a, b).WaitAsync(HangGuard);
            Assert.Empty(await loser);
            probe.Gate.SetResult();
            var runs = (await a).Concat(await b).ToList();
            Assert.Single(runs);
            Assert.True(runs[0].Succeeded);
            Assert.Equal(round, probe.Runs);

            var row = await Row(probe.Name);
            Assert.Null(row.LeaseOwner);
            Assert.Equal(round, row.RunCount);
            Assert.Equal(now + TimeSpan.FromMinutes(10), row.NextDueAt);
            app.Clock.Advance(TimeSpan.FromMinutes(10));
        }
    }

    [Fact]
    public async Task NotYetDue_DoesNotRun()
    {
        var probe = new JobProbe("test.notdue." + Guid.NewGuid().ToString("N")[..8]);
        probe.Gate.SetResult();
        await using var node = Node(probe);
        var runner = node.GetRequiredService<JobRunner>();
        var now = app.Clock.GetUtcNow();
        Assert.Single(await runner.RunDueOnceAsync(now));
        Assert.Empty(await runner.RunDueOnceAsync(now + TimeSpan.FromMinutes(9)));
        Assert.Single(await runner.RunDueOnceAsync(now + TimeSpan.FromMinutes(10)));
        Assert.Equal(2, probe.Runs);
    }

    [Fact]
    public async Task FailingJob_RecordsItsError_AndIsDueAgain()
    {
        var probe = new JobProbe("test.failing." + Guid.NewGuid().ToString("N")[..8]) { Fail = true };
        probe.Gate.SetResult();
        await using var node = Node(probe);
        var runner = node.GetRequiredService<JobRunner>();
        var now = app.Clock.GetUtcNow();

        var run = Assert.Single(await runner.RunDueOnceAsync(now));
        Assert.False(run.Succeeded);
        Assert.Contains("the directory server did not answer", run.Error, StringComparison.Ordinal);
        var row = await Row(probe.Name);
        Assert.False(row.LastSucceeded);
        Assert.Contains("InvalidOperationException: the directory server did not answer", row.LastError, StringComparison.Ordinal);
        Assert.Equal(1, row.FailureCount);
        Assert.Null(row.LeaseOwner);
        Assert.Equal(now + TimeSpan.FromMinutes(10), row.NextDueAt);

        Assert.Empty(await runner.RunDueOnceAsync(now + TimeSpan.FromMinutes(5)));
        probe.Fail = false;
        Assert.True(Assert.Single(await runner.RunDueOnceAsync(now + TimeSpan.FromMinutes(10))).Succeeded);
        row = await Row(probe.Name);
        Assert.True(row.LastSucceeded);
        Assert.Null(row.LastError);
        Assert.Equal(0, row.FailureCount);
        Assert.Equal(2, row.RunCount);
    }

    [Fact]
    public async Task LeaseOfACrashedNode_Expires_ThenAnotherNodeTakesOver()
    {
        var probe = new JobProbe("test.lease." + Guid.NewGuid().ToString("N")[..8]);
        probe.Gate.SetResult();
        await using var node = Node(probe);
        var runner = node.GetRequiredService<JobRunner>();
        var now = app.Clock.GetUtcNow();
        Assert.Single(await runner.RunDueOnceAsync(now));

        // A node claimed the next run and died mid-run: its lease (10 minutes by default) still stands.
        var due = now + TimeSpan.FromMinutes(10);
        await app.Db(db => db.ScheduledJobs.Where(j => j.Name == probe.Name).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LeaseOwner, "crashed-node/1/0").SetProperty(j => j.LeaseExpiresAt, due + TimeSpan.FromMinutes(10))));

        Assert.Empty(await runner.RunDueOnceAsync(due));
        Assert.Empty(await runner.RunDueOnceAsync(due + TimeSpan.FromMinutes(9)));
        Assert.Equal(1, probe.Runs);

        var takeover = Assert.Single(await runner.RunDueOnceAsync(due + TimeSpan.FromMinutes(11)));
        Assert.True(takeover.Succeeded);
        Assert.Equal(2, probe.Runs);
        var row = await Row(probe.Name);
        Assert.Null(row.LeaseOwner);
        Assert.Null(row.LeaseExpiresAt);
    }

    [Fact]
    public async Task CoreJobs_AreRegistered_AndAdminsSeeThemAndRunThem()
    {
        var admin = await app.Client("admin");
        var jobs = await (await admin.GetAsync("/api/v1/admin/jobs")).ShouldBe(HttpStatusCode.OK);
        var names = jobs.EnumerateArray().Where(j => j.GetProperty("registered").GetBoolean()).Select(j => j.Str("name")).ToList();
        Assert.Contains("sla.sweep", names);
        Assert.Contains("approvals.remind", names);
        Assert.Contains("rules.timed", names);

        var run = await (await admin.PostAsync("/api/v1/admin/jobs/sla.sweep/run", null)).ShouldBe(HttpStatusCode.OK);
        Assert.True(run.GetProperty("succeeded").GetBoolean());
        var row = await Row("sla.sweep");
        Assert.Equal(1, row.RunCount);
        Assert.Null(row.LeaseOwner);

        await (await admin.PostAsync("/api/v1/admin/jobs/no.such.job/run", null)).ShouldBe(HttpStatusCode.NotFound);
        var alice = await app.Client("alice");
        await (await alice.GetAsync("/api/v1/admin/jobs")).ShouldBe(HttpStatusCode.NotFound);
        await (await alice.PostAsync("/api/v1/admin/jobs/sla.sweep/run", null)).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RunNow_WhileAnotherNodeHoldsTheJob_IsAConflict()
    {
        var admin = await app.Client("admin");
        await (await admin.PostAsync("/api/v1/admin/jobs/approvals.remind/run", null)).ShouldBe(HttpStatusCode.OK);
        var now = app.Clock.GetUtcNow();
        await app.Db(db => db.ScheduledJobs.Where(j => j.Name == "approvals.remind").ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LeaseOwner, "other-node/2/0").SetProperty(j => j.LeaseExpiresAt, now + TimeSpan.FromMinutes(5))));
        var problem = await (await admin.PostAsync("/api/v1/admin/jobs/approvals.remind/run", null)).ShouldBe(HttpStatusCode.Conflict);
        Assert.Contains("approvals.remind", problem.Str("detail"), StringComparison.Ordinal);
        await app.Db(db => db.ScheduledJobs.Where(j => j.Name == "approvals.remind").ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)));
    }
}
