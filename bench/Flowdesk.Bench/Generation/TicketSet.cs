namespace Flowdesk.Bench.Generation;

/// <summary>
/// Tickets over the scale's span (two years at large), arriving in business-hour peaks (Asia/Shanghai) on
/// weekdays with a slowly growing volume, each with its conversation (3 comments on average) and field history
/// (6 rows on average). Every <see cref="Scale.HeavyEvery"/>th IT ticket is a long one: 50 comments, 200 history rows.
/// </summary>
public sealed class TicketSet : IRecordSet
{
    public string Name => "tickets";
    public IReadOnlyList<string> Tables => ["tickets", "comments", "ticket_history"];

    static readonly Column[] TicketColumns =
    [
        new("id", ColumnType.Uuid), new("number", ColumnType.Text), new("desk_id", ColumnType.Uuid), new("kind", ColumnType.Number),
        new("subject", ColumnType.Text), new("description", ColumnType.Text), new("requester_id", ColumnType.Uuid), new("category", ColumnType.Text),
        new("service", ColumnType.Text), new("impact", ColumnType.Number), new("urgency", ColumnType.Number), new("priority", ColumnType.Number),
        new("status", ColumnType.Text), new("process_key", ColumnType.Text), new("process_version", ColumnType.Number), new("assignee_group_id", ColumnType.Uuid),
        new("assignee_id", ColumnType.Uuid), new("fields", ColumnType.Text), new("created_at", ColumnType.Instant), new("updated_at", ColumnType.Instant),
        new("first_responded_at", ColumnType.Instant), new("resolved_at", ColumnType.Instant), new("closed_at", ColumnType.Instant),
        new("first_response_due", ColumnType.Instant), new("resolution_due", ColumnType.Instant), new("first_response_breached", ColumnType.Bool),
        new("resolution_breached", ColumnType.Bool), new("version", ColumnType.Number), new("last_changed_by_id", ColumnType.Uuid),
    ];
    static readonly Column[] CommentColumns =
        [new("id", ColumnType.Uuid), new("ticket_id", ColumnType.Uuid), new("author_id", ColumnType.Uuid), new("body", ColumnType.Text), new("internal", ColumnType.Bool), new("created_at", ColumnType.Instant)];
    static readonly Column[] HistoryColumns =
        [new("id", ColumnType.Uuid), new("ticket_id", ColumnType.Uuid), new("actor_id", ColumnType.Uuid), new("at", ColumnType.Instant), new("field", ColumnType.Text), new("old_value", ColumnType.Text), new("new_value", ColumnType.Text)];

    // Local hour-of-day weights (Asia/Shanghai): morning and afternoon peaks, a lunch dip, little at night.
    static readonly double[] HourWeights = [0.05, 0.03, 0.03, 0.03, 0.03, 0.05, 0.1, 0.3, 1.0, 1.8, 1.7, 1.3, 0.6, 1.2, 1.6, 1.5, 1.2, 0.7, 0.35, 0.2, 0.15, 0.1, 0.07, 0.05];
    static readonly int[] CommentCountWeights = [10, 12, 18, 20, 16, 10, 7, 4, 3]; // 0..8 comments, mean ≈ 3.2 for worked tickets
    static readonly (string Group, int Weight)[] ItGroups = [("service-desk", 40), ("it-desktop", 30), ("it-identity", 15), ("it-network", 10), ("it-security", 5)];

    public void Load(GenerationContext context, BulkTarget target, Action<string> log)
    {
        var random = context.Random;
        var scale = context.Scale;
        var created = ArrivalTimes(context);
        var counters = context.Desks.ToDictionary(d => d.Key, d => d.Value.LastNumber);
        var heavy = new List<string>();
        var sample = new List<string>();
        var sampleEvery = Math.Max(1, scale.Tickets / 2000);
        var topicsByDesk = Texts.Topics.GroupBy(t => t.Desk).ToDictionary(g => g.Key, g => g.ToArray());
        long commentRows = 0, historyRows = 0;

        using var tickets = target.Open("tickets", TicketColumns);
        using var comments = target.Open("comments", CommentColumns);
        using var history = target.Open("ticket_history", HistoryColumns);
        var itIndex = 0;
        for (var i = 0; i < created.Length; i++)
        {
            var at = new DateTimeOffset(created[i], TimeSpan.Zero);
            var u = random.NextDouble();
            var desk = u < 0.75 ? "it" : u < 0.90 ? "facilities" : "hr";
            var isHeavy = desk == "it" && itIndex++ % scale.HeavyEvery == scale.HeavyEvery / 2;
            var number = TicketNumbers.Format(context.Desks[desk].Prefix, ++counters[desk]);
            if (isHeavy) heavy.Add(number);
            else if (desk == "it" && i % sampleEvery == 0) sample.Add(number);

            var topic = Texts.Pick(topicsByDesk[desk], random);
            var (requester, chinese) = Requester(context, random);
            var kind = desk switch
            {
                "it" => random.NextDouble() < 0.6 ? TicketKind.Incident : TicketKind.Request,
                "hr" => random.NextDouble() < 0.15 ? TicketKind.Incident : TicketKind.Request,
                _ => random.NextDouble() < 0.4 ? TicketKind.Incident : TicketKind.Request,
            };
            var impact = Level(random, 0.45, 0.45);
            var urgency = Level(random, 0.35, 0.50);
            var priority = PriorityMatrix.For(impact, urgency);
            var (responseSla, resolutionSla) = Sla(priority);

            var group = desk switch { "it" => Weighted(ItGroups, random), "hr" => "hr-ops", _ => "facilities-ops" };
            var groupId = context.Groups[group];
            var assignee = context.Accounts.TryGetValue(DemoAccounts.Technician, out var li) && group is "service-desk" or "it-desktop" && random.NextDouble() < 0.02
                ? li : Texts.Pick(context.Staff[group], random);

            var status = Status(context.Now - at, random);
            if (isHeavy) status = TicketStates.InProgress;
            var worked = status != TicketStates.New;
            var firstResponse = worked ? Min(at + LogNormal(random, responseSla.TotalMinutes / 4, 1.0, TimeSpan.FromMinutes(1)), context.Now) : (DateTimeOffset?)null;
            DateTimeOffset? resolved = null, closed = null;
            if (status is TicketStates.Resolved or TicketStates.Closed)
            {
                resolved = Min(firstResponse!.Value + LogNormal(random, resolutionSla.TotalMinutes / 3, 1.2, TimeSpan.FromMinutes(5)), context.Now);
                if (status == TicketStates.Closed)
                {
                    closed = resolved.Value.AddDays(3);
                    if (closed > context.Now) { closed = null; status = TicketStates.Resolved; }
                }
            }
            else if (status == TicketStates.Cancelled) closed = Min(at.AddHours(random.Next(1, 72)), context.Now);

            // The history: created, assignment, then the states it went through. Heavy tickets bounce many times.
            var events = new List<(DateTimeOffset At, Guid Actor, string Field, string? Old, string? New)>
            {
                (at, requester, "created", null, number),
            };
            var assignedAt = at.AddMinutes(random.Next(1, 30));
            if (worked || random.NextDouble() < 0.5)
            {
                events.Add((Min(assignedAt, context.Now), assignee, "assigneeGroupId", null, groupId.ToString()));
                events.Add((Min(assignedAt, context.Now), assignee, "assigneeId", null, assignee.ToString()));
            }
            var state = TicketStates.New;
            var clock = firstResponse ?? at;
            void Move(string to, DateTimeOffset when, Guid actor)
            {
                events.Add((when, actor, "status", state, to));
                state = to;
            }
            if (worked)
            {
                if (status == TicketStates.Cancelled) Move(TicketStates.Cancelled, closed!.Value, requester);
                else
                {
                    Move(TicketStates.InProgress, clock, assignee);
                    var bounces = isHeavy ? 98 : random.NextDouble() < 0.2 ? 1 : 0;
                    var end = resolved ?? context.Now;
                    for (var b = 0; b < bounces; b++)
                    {
                        var t1 = clock + (end - clock) * ((b * 2 + 1) / (bounces * 2.0 + 2));
                        var t2 = clock + (end - clock) * ((b * 2 + 2) / (bounces * 2.0 + 2));
                        Move(TicketStates.WaitingOnRequester, t1, assignee);
                        Move(TicketStates.InProgress, t2, requester);
                    }
                    if (random.NextDouble() < 0.1) events.Add((clock, assignee, "priority", priority.ToString().ToLowerInvariant(), priority.ToString().ToLowerInvariant()));
                    if (status is TicketStates.WaitingOnRequester or TicketStates.WaitingOnThirdParty) Move(status, clock + (end - clock) / 2, assignee);
                    if (resolved is { } r) Move(TicketStates.Resolved, r, assignee);
                    if (closed is { } c) Move(TicketStates.Closed, c, requester);
                }
            }
            var last = events.MaxBy(e => e.At);
            var id = Guid.CreateVersion7(at);

            tickets.StartRow();
            tickets.Uuid(id);
            tickets.Text(number);
            tickets.Uuid(context.Desks[desk].Id);
            tickets.Number((int)kind);
            var subject = Texts.Subject(topic, random, chinese);
            tickets.Text(subject);
            tickets.Text(Texts.Description(topic, subject, random, chinese));
            tickets.Uuid(requester);
            tickets.Text(topic.Category);
            tickets.Text(topic.Service);
            tickets.Number((int)impact);
            tickets.Number((int)urgency);
            tickets.Number((int)priority);
            tickets.Text(status);
            tickets.Text(kind == TicketKind.Incident ? "incident" : "request");
            tickets.Number(1);
            tickets.Uuid(events.Count > 1 ? groupId : null);
            tickets.Uuid(events.Count > 1 ? assignee : null);
            tickets.Text("{}");
            tickets.Instant(at);
            tickets.Instant(last.At);
            tickets.Instant(firstResponse);
            tickets.Instant(resolved);
            tickets.Instant(closed);
            tickets.Instant(at + responseSla);
            tickets.Instant(at + resolutionSla);
            tickets.Bool((firstResponse ?? context.Now) > at + responseSla);
            tickets.Bool((resolved ?? context.Now) > at + resolutionSla && status is not TicketStates.Cancelled);
            tickets.Number(events.Count);
            tickets.Uuid(last.Actor);
            tickets.EndRow();

            foreach (var e in events)
            {
                history.StartRow();
                history.Uuid(Guid.CreateVersion7(e.At));
                history.Uuid(id);
                history.Uuid(e.Actor);
                history.Instant(e.At);
                history.Text(e.Field);
                history.Text(e.Old);
                history.Text(e.New);
                history.EndRow();
            }
            historyRows += events.Count;

            var commentCount = isHeavy ? 50 : worked ? WeightedIndex(CommentCountWeights, random) : 0;
            var span = (closed ?? resolved ?? context.Now) - at;
            for (var c = 0; c < commentCount; c++)
            {
                var when = at + span * ((c + 1) / (commentCount + 1.0));
                var byStaff = c % 2 == 0;
                comments.StartRow();
                comments.Uuid(Guid.CreateVersion7(when));
                comments.Uuid(id);
                comments.Uuid(byStaff ? assignee : requester);
                comments.Text(Texts.Reply(random, chinese));
                comments.Bool(byStaff && random.NextDouble() < 0.1);
                comments.Instant(when);
                comments.EndRow();
            }
            commentRows += commentCount;

            if ((i + 1) % 100_000 == 0) log($"tickets: {i + 1:N0}");
        }
        tickets.Complete();
        comments.Complete();
        history.Complete();

        foreach (var (key, desk) in context.Desks)
            target.Execute($"UPDATE desks SET last_number = {counters[key]} WHERE key = '{key}'");
        context.Manifest = new Manifest(scale.Name, target.Name, created.Length, heavy, sample, [.. Texts.SearchTerms]);
        log($"tickets: {created.Length:N0}, comments: {commentRows:N0}, history rows: {historyRows:N0}, heavy tickets: {heavy.Count}");
    }

    /// <summary>Arrival instants (UTC ticks), sorted so numbers per desk rise with time.</summary>
    static long[] ArrivalTimes(GenerationContext context)
    {
        var random = context.Random;
        var days = context.Scale.Days;
        var firstDay = context.Now.UtcDateTime.Date.AddDays(-days + 1);
        var dayWeights = new double[days];
        for (var d = 0; d < days; d++)
        {
            var local = firstDay.AddDays(d);
            var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            dayWeights[d] = (weekend ? 0.15 : 1.0) * (0.7 + 0.6 * d / days);
        }
        var dayCdf = Cumulative(dayWeights);
        var hourCdf = Cumulative(HourWeights);
        var shanghai = TimeSpan.FromHours(8);
        var result = new long[context.Scale.Tickets];
        var limit = context.Now.UtcTicks;
        for (var i = 0; i < result.Length; i++)
        {
            long ticks;
            do
            {
                var day = Array.BinarySearch(dayCdf, random.NextDouble() * dayCdf[^1]);
                day = day < 0 ? ~day : day;
                var hour = Array.BinarySearch(hourCdf, random.NextDouble() * hourCdf[^1]);
                hour = hour < 0 ? ~hour : hour;
                var local = firstDay.AddDays(Math.Min(day, days - 1)).AddHours(hour).AddSeconds(random.Next(3600));
                ticks = (local - shanghai).Ticks;
            } while (ticks >= limit);
            result[i] = ticks;
        }
        Array.Sort(result);
        return result;
    }

    static double[] Cumulative(double[] weights)
    {
        var cdf = new double[weights.Length];
        double sum = 0;
        for (var i = 0; i < weights.Length; i++) cdf[i] = sum += weights[i];
        return cdf;
    }

    /// <summary>A few people file many tickets, most file a few.</summary>
    static (Guid, bool) Requester(GenerationContext context, Random random)
    {
        if (random.NextDouble() < 0.001 && context.Accounts.TryGetValue(DemoAccounts.Requester, out var alice)) return (alice, false);
        var index = (int)(context.People.Count * Math.Pow(random.NextDouble(), 1.6));
        return context.People[Math.Min(index, context.People.Count - 1)];
    }

    static string Status(TimeSpan age, Random random)
    {
        var u = random.NextDouble();
        if (age < TimeSpan.FromHours(4))
            return u < 0.6 ? TicketStates.New : u < 0.95 ? TicketStates.InProgress : TicketStates.WaitingOnRequester;
        if (age < TimeSpan.FromDays(3))
            return u < 0.1 ? TicketStates.New : u < 0.5 ? TicketStates.InProgress : u < 0.65 ? TicketStates.WaitingOnRequester
                : u < 0.7 ? TicketStates.WaitingOnThirdParty : TicketStates.Resolved;
        if (age < TimeSpan.FromDays(10))
            return u < 0.12 ? TicketStates.InProgress : u < 0.2 ? TicketStates.WaitingOnRequester : u < 0.5 ? TicketStates.Resolved
                : u < 0.95 ? TicketStates.Closed : TicketStates.Cancelled;
        // The stale backlog every real desk has: a few per cent never closed.
        return u < 0.01 ? TicketStates.New : u < 0.05 ? TicketStates.InProgress : u < 0.07 ? TicketStates.WaitingOnRequester
            : u < 0.95 ? TicketStates.Closed : TicketStates.Cancelled;
    }

    static Level Level(Random random, double low, double medium)
    {
        var u = random.NextDouble();
        return u < low ? Generation.Level.Low : u < low + medium ? Generation.Level.Medium : Generation.Level.High;
    }

    /// <summary>Calendar-hour targets until the SLA engine writes real ones (business calendars).</summary>
    static (TimeSpan Response, TimeSpan Resolution) Sla(Priority priority) => priority switch
    {
        Priority.P1 => (TimeSpan.FromMinutes(15), TimeSpan.FromHours(4)),
        Priority.P2 => (TimeSpan.FromHours(1), TimeSpan.FromHours(8)),
        Priority.P3 => (TimeSpan.FromHours(4), TimeSpan.FromDays(3)),
        _ => (TimeSpan.FromHours(8), TimeSpan.FromDays(5)),
    };

    static TimeSpan LogNormal(Random random, double medianMinutes, double sigma, TimeSpan floor)
    {
        var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var minutes = medianMinutes * Math.Exp(sigma * gaussian);
        return TimeSpan.FromMinutes(Math.Max(floor.TotalMinutes, Math.Min(minutes, 60 * 24 * 60)));
    }

    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    static string Weighted((string Key, int Weight)[] items, Random random)
    {
        var roll = random.Next(items.Sum(i => i.Weight));
        foreach (var (key, weight) in items)
            if ((roll -= weight) < 0) return key;
        return items[^1].Key;
    }

    static int WeightedIndex(int[] weights, Random random)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
            if ((roll -= weights[i]) < 0) return i;
        return weights.Length - 1;
    }
}
