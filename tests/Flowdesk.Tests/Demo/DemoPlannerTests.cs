using System.Text.RegularExpressions;
using Flowdesk.Demo;
using Flowdesk.People;
using Flowdesk.Processes;
using Flowdesk.Tickets;

namespace Flowdesk.Tests.Demo;

/// <summary>The demo stories and the planner, without a database: quick checks over many tickets and clocks.</summary>
public sealed partial class DemoPlannerTests
{
    static readonly DateTimeOffset Now = new(2026, 4, 16, 7, 30, 0, TimeSpan.Zero); // a Thursday, 15:30 in Shanghai
    static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    [Fact]
    public void There_are_at_least_forty_stories_in_both_languages_for_every_desk()
    {
        var all = DemoScenarios.All;
        Assert.True(all.Count >= 40, $"only {all.Count} scenarios");
        foreach (var desk in new[] { "it", "facilities", "hr" })
        {
            Assert.Contains(all, s => s.Desk == desk && s.IsChinese);
            Assert.Contains(all, s => s.Desk == desk && !s.IsChinese);
        }
        var chinese = all.Count(s => s.IsChinese);
        Assert.InRange(chinese, all.Count * 2 / 5, all.Count * 3 / 5);
        Assert.Equal(all.Count, all.Select(s => s.Subject).Distinct().Count());
    }

    [Fact]
    public void Every_story_has_a_two_to_five_message_conversation_in_its_own_language()
    {
        foreach (var s in DemoScenarios.All)
        {
            Assert.InRange(s.Lines.Count, 2, 5);
            Assert.Contains(s.Lines, l => l.Speaker == Speaker.Technician);
            Assert.Single(s.Lines, l => l.Beat == Beat.Fix);
            Assert.Equal(s.IsChinese, HasChinese(s.Subject + s.Description));
            // English stories may quote nothing Chinese; Chinese stories are written in Chinese.
            foreach (var line in s.Lines.Where(l => s.IsChinese)) Assert.True(HasChinese(line.Text), line.Text);
            foreach (var line in s.Lines.Where(l => !s.IsChinese)) Assert.False(HasChinese(line.Text), line.Text);
        }
        Assert.Contains(DemoScenarios.All, s => s.Lines.Any(l => l.Speaker == Speaker.InternalNote));
        Assert.Contains(DemoScenarios.All, s => s.Fields.Count > 0);
    }

    [Fact]
    public void Every_placeholder_has_a_value()
    {
        var values = DemoVariables.Create(new Random(1), zh: true, "爱丽", "陈博", Now.ToOffset(Shanghai));
        foreach (var s in DemoScenarios.All)
        {
            foreach (var text in s.Lines.Select(l => l.Text).Append(s.Subject).Append(s.Description))
            {
                var filled = DemoVariables.Fill(text, values);
                Assert.DoesNotContain("{", filled.Replace("{{", "", StringComparison.Ordinal), StringComparison.Ordinal);
            }
            foreach (var (_, variable) in s.Fields) Assert.True(values.ContainsKey(variable), $"{s.Subject}: {variable}");
        }
    }

    [Fact]
    public void Same_clock_gives_the_same_tickets()
    {
        var (people, desks) = Organisation();
        var first = DemoTicketPlanner.Plan(people, desks, 120, Now);
        var second = DemoTicketPlanner.Plan(people, desks, 120, Now);
        Assert.Equal(Describe(first), Describe(second));
    }

    [Theory]
    [InlineData(120)]
    [InlineData(300)]
    public void A_demo_shows_every_desk_state_and_priority_with_more_P3_and_P4(int count)
    {
        var (people, desks) = Organisation();
        var plans = DemoTicketPlanner.Plan(people, desks, count, Now);
        Assert.Equal(count, plans.Count);
        var states = plans.Select(p => p.Replay(Now).Status).ToHashSet();
        foreach (var state in new[] { TicketStates.New, TicketStates.InProgress, TicketStates.WaitingOnRequester, TicketStates.WaitingOnThirdParty, TicketStates.Resolved, TicketStates.Closed, TicketStates.Cancelled })
            Assert.Contains(state, states);
        foreach (var priority in Enum.GetValues<Priority>()) Assert.Contains(plans, p => p.Priority == priority);
        Assert.True(plans.Count(p => p.Priority is Priority.P3 or Priority.P4) > plans.Count / 2);

        var it = plans.Count(p => p.Desk.Key == "it");
        var facilities = plans.Count(p => p.Desk.Key == "facilities");
        var hr = plans.Count(p => p.Desk.Key == "hr");
        Assert.True(it > facilities && facilities > hr && hr > 0, $"it {it}, facilities {facilities}, hr {hr}");
        Assert.InRange(plans.Count(p => p.Scenario.IsChinese), count * 3 / 10, count * 7 / 10);
    }

    [Fact]
    public void Old_tickets_are_mostly_done_and_recent_ones_mostly_open()
    {
        var (people, desks) = Organisation();
        var plans = DemoTicketPlanner.Plan(people, desks, 300, Now);
        string[] done = [TicketStates.Resolved, TicketStates.Closed, TicketStates.Cancelled];
        var old = plans.Where(p => p.CreatedAt < Now.AddDays(-30)).ToList();
        var recent = plans.Where(p => p.CreatedAt > Now.AddDays(-3)).ToList();
        Assert.True(old.Count(p => done.Contains(p.Replay(Now).Status)) >= old.Count * 0.95);
        Assert.True(recent.Count(p => !done.Contains(p.Replay(Now).Status)) >= recent.Count / 2);
        // A real queue: a good number of open tickets for the console to show.
        Assert.InRange(plans.Count(p => !done.Contains(p.Replay(Now).Status)), 15, 90);
    }

    [Theory]
    [InlineData("2026-04-16T07:30:00Z")] // Thursday afternoon in Shanghai
    [InlineData("2026-04-18T03:00:00Z")] // Saturday
    [InlineData("2026-04-20T00:30:00Z")] // Monday 08:30, before anyone starts
    [InlineData("2026-12-31T15:59:00Z")] // New Year's Eve, late at night
    public void Times_are_business_hours_in_Shanghai_and_consistent(string now)
    {
        var clock = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        var (people, desks) = Organisation();
        foreach (var plan in DemoTicketPlanner.Plan(people, desks, 300, clock))
        {
            var local = plan.CreatedAt.ToOffset(Shanghai);
            Assert.InRange(local.TimeOfDay, TimeSpan.FromHours(9), TimeSpan.FromHours(18));
            Assert.NotEqual(DayOfWeek.Saturday, local.DayOfWeek);
            Assert.NotEqual(DayOfWeek.Sunday, local.DayOfWeek);
            Assert.InRange(plan.CreatedAt, clock.AddDays(-91), clock);

            var replay = plan.Replay(clock); // throws if the story breaks the workflow
            Assert.All(replay.Steps, s => Assert.InRange(s.At, plan.CreatedAt, clock));
            Assert.True(replay.Steps.Select(s => s.At).SequenceEqual(replay.Steps.Select(s => s.At).Order()));
            if (replay.Status is TicketStates.Resolved or TicketStates.Closed)
            {
                Assert.NotNull(replay.ResolvedAt);
                Assert.True(replay.ResolvedAt >= plan.CreatedAt);
            }
            if (replay.Status is TicketStates.Closed) Assert.True(replay.ClosedAt >= replay.ResolvedAt);
            if (replay.Status is TicketStates.Cancelled) Assert.NotNull(replay.ClosedAt);
            if (replay.Status == TicketStates.New) Assert.False(replay.Worked);
            Assert.True(replay.UpdatedAt >= plan.CreatedAt);
        }
    }

    [Fact]
    public void Hr_cases_stay_between_the_employee_and_hr()
    {
        var (people, desks) = Organisation();
        foreach (var plan in DemoTicketPlanner.Plan(people, desks, 300, Now).Where(p => p.Desk.Key == "hr"))
        {
            Assert.Empty(plan.Watchers);
            Assert.Equal("zhang.hr", plan.Technician.UserName);
            Assert.Equal("hr-ops", plan.Group.Key);
        }
    }

    [Fact]
    public void Chinese_stories_come_from_Chinese_speakers()
    {
        var (people, desks) = Organisation();
        foreach (var plan in DemoTicketPlanner.Plan(people, desks, 300, Now))
        {
            Assert.Equal(plan.Scenario.IsChinese, plan.Requester.Language == "zh-CN");
            Assert.NotEqual(plan.Requester.Id, plan.Manager?.Id);
            Assert.DoesNotContain(plan.Watchers, w => w.Id == plan.Requester.Id);
        }
    }

    [Fact]
    public void Business_minutes_skip_nights_and_weekends()
    {
        var friday = new DateTimeOffset(2026, 4, 17, 17, 0, 0, Shanghai);
        Assert.Equal(new DateTimeOffset(2026, 4, 20, 10, 0, 0, Shanghai), DemoTicketPlanner.AddBusinessMinutes(friday, 120));
        var saturday = new DateTimeOffset(2026, 4, 18, 11, 0, 0, Shanghai);
        Assert.Equal(new DateTimeOffset(2026, 4, 20, 9, 30, 0, Shanghai), DemoTicketPlanner.AddBusinessMinutes(saturday, 30));
    }

    static List<string> Describe(List<TicketPlan> plans) =>
        [.. plans.Select(p => $"{p.Desk.Key}|{p.Subject}|{p.Requester.UserName}|{p.CreatedAt:O}|{p.Priority}|{p.Replay(Now).Status}|{string.Join("/", p.Lines.Select(l => l.At.ToString("O") + l.Text))}")];

    static bool HasChinese(string text) => Cjk().IsMatch(text);

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();

    /// <summary>The demo organisation as DemoPeople builds it, in memory.</summary>
    internal static (DemoDirectory, StandardDesks) Organisation()
    {
        var bob = new Person { UserName = "bob", DisplayName = "Bob Chen", Language = "en" };
        Dictionary<string, Person> people = new(StringComparer.Ordinal) { ["bob"] = bob };
        void Add(string user, string name, string language, Guid? manager) =>
            people[user] = new Person { UserName = user, DisplayName = name, Language = language, ManagerId = manager };
        Add("admin", "Administrator", "en", null);
        Add("alice", "王爱丽", "zh-CN", bob.Id);
        Add("carol", "Carol Liu", "en", null);
        Add("li.agent", "李伟", "zh-CN", null);
        Add("zhang.hr", "张敏", "zh-CN", null);
        Add("david", "David Sun", "en", bob.Id);
        Add("emma", "周艾玛", "zh-CN", bob.Id);
        Add("frank", "吴凡", "zh-CN", bob.Id);
        Add("grace", "Grace Lin", "en", bob.Id);
        Add("henry", "赵亨利", "zh-CN", bob.Id);
        Add("ivy", "Ivy Huang", "en", bob.Id);
        Add("wang.fac", "王强", "zh-CN", bob.Id);
        return (new DemoDirectory(people), StandardDesks.Create());
    }
}
