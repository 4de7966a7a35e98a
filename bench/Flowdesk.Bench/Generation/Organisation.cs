namespace Flowdesk.Bench.Generation;

/// <summary>Everything the record sets share: the clock of the generated world, the desks, groups and people.</summary>
public sealed class GenerationContext(Scale scale, DateTimeOffset now, int seed)
{
    public Scale Scale { get; } = scale;
    public DateTimeOffset Now { get; } = now;
    public Random Random { get; } = new(seed);
    public Dictionary<string, (Guid Id, string Prefix, long LastNumber)> Desks { get; } = [];
    public Dictionary<string, Guid> Groups { get; } = [];
    /// <summary>Accounts created by the app's own demo seeding (they can sign in; the load generator uses them).</summary>
    public Dictionary<string, Guid> Accounts { get; } = [];
    public List<(Guid Id, bool Chinese)> People { get; } = [];
    /// <summary>Technicians by group key.</summary>
    public Dictionary<string, List<Guid>> Staff { get; } = [];
    public Manifest? Manifest { get; set; }
}

/// <summary>
/// One kind of generated record. Later record types (knowledge articles, assets, changes) are new
/// implementations added to <see cref="Generator.RecordSets"/>; they read what earlier sets put in the context.
/// </summary>
public interface IRecordSet
{
    string Name { get; }
    IReadOnlyList<string> Tables { get; }
    void Load(GenerationContext context, BulkTarget target, Action<string> log);
}

/// <summary>50,000 people at the large scale: employees in departments with managers, and the desks' technicians.</summary>
public sealed class PeopleSet : IRecordSet
{
    public string Name => "people";
    public IReadOnlyList<string> Tables => ["people", "desk_members", "group_members"];

    static readonly string[] SurnamesZh = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
    static readonly string[] GivenZh = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "丽", "强", "军", "平", "婷"];
    static readonly string[] FirstEn = ["James", "Mary", "Robert", "Linda", "Michael", "Sarah", "David", "Emma", "Daniel", "Olivia", "Thomas", "Sophie"];
    static readonly string[] LastEn = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Wright", "Green", "Hall"];
    static readonly (string En, string Zh)[] Departments =
        [("Finance", "财务部"), ("Sales", "销售部"), ("Engineering", "研发部"), ("Operations", "运营部"), ("HR", "人力资源部"), ("Legal", "法务部"), ("Marketing", "市场部"), ("Logistics", "物流部")];
    static readonly string[] Locations = ["Shanghai", "Beijing", "Shenzhen", "Chengdu", "Singapore", "London"];

    static readonly Column[] PersonColumns =
    [
        new("id", ColumnType.Uuid), new("display_name", ColumnType.Text), new("department", ColumnType.Text), new("manager_id", ColumnType.Uuid),
        new("location", ColumnType.Text), new("language", ColumnType.Text), new("time_zone", ColumnType.Text), new("is_integration", ColumnType.Bool),
        new("is_away", ColumnType.Bool), new("is_active", ColumnType.Bool), new("user_name", ColumnType.Text), new("normalized_user_name", ColumnType.Text),
        new("email", ColumnType.Text), new("normalized_email", ColumnType.Text), new("email_confirmed", ColumnType.Bool), new("password_hash", ColumnType.Text),
        new("security_stamp", ColumnType.Text), new("concurrency_stamp", ColumnType.Text), new("phone_number", ColumnType.Text),
        new("phone_number_confirmed", ColumnType.Bool), new("two_factor_enabled", ColumnType.Bool), new("lockout_end", ColumnType.Instant),
        new("lockout_enabled", ColumnType.Bool), new("access_failed_count", ColumnType.Number), new("is_department_head", ColumnType.Bool),
    ];

    public void Load(GenerationContext context, BulkTarget target, Action<string> log)
    {
        var random = context.Random;
        var count = context.Scale.People;
        using (var people = target.Open("people", PersonColumns))
        {
            Guid? manager = null;
            for (var i = 0; i < count; i++)
            {
                var id = Guid.CreateVersion7(context.Now.AddDays(-800).AddSeconds(i));
                var chinese = random.NextDouble() < 0.7;
                var name = chinese
                    ? Texts.Pick(SurnamesZh, random) + Texts.Pick(GivenZh, random)
                    : Texts.Pick(FirstEn, random) + " " + Texts.Pick(LastEn, random);
                var department = Departments[i / 50 % Departments.Length];
                var user = $"emp{i + 1:D6}";
                people.StartRow();
                people.Uuid(id);
                people.Text(name);
                people.Text(chinese ? department.Zh : department.En);
                people.Uuid(i % 25 == 0 ? null : manager); // every 25th is a manager of the next 24
                people.Text(Locations[i / 1000 % Locations.Length]);
                people.Text(chinese ? Languages.Chinese : Languages.English);
                people.Text(chinese ? "Asia/Shanghai" : "Europe/London");
                people.Bool(false);
                people.Bool(random.NextDouble() < 0.02);
                people.Bool(true);
                people.Text(user);
                people.Text(user.ToUpperInvariant());
                people.Text($"{user}@flowdesk.example");
                people.Text($"{user}@flowdesk.example".ToUpperInvariant());
                people.Bool(true);
                people.Text(null); // no password hash: Identity refuses every password, so these people cannot sign in
                people.Text(Guid.NewGuid().ToString("N").ToUpperInvariant());
                people.Text(Guid.NewGuid().ToString());
                people.Text(null);
                people.Bool(false);
                people.Bool(false);
                people.Instant(null);
                people.Bool(true);
                people.Number(0);
                people.Bool(i % 50 == 0); // the first of each department's block heads it
                people.EndRow();
                if (i % 25 == 0) manager = id;
                context.People.Add((id, chinese));
            }
            people.Complete();
        }

        // Technicians: about one per 300 people for IT, fewer for HR and facilities, spread over the desks' groups.
        string[] itGroups = ["service-desk", "it-desktop", "it-identity", "it-security", "it-network"];
        var plan = new List<(string Desk, string Group, int Count)>();
        var itStaff = Math.Max(10, count / 300);
        plan.AddRange(itGroups.Select((g, i) => ("it", g, i switch { 0 => itStaff * 4 / 10, 1 => itStaff * 3 / 10, _ => Math.Max(2, itStaff / 10) })));
        plan.Add(("hr", "hr-ops", Math.Max(3, count / 2500)));
        plan.Add(("facilities", "facilities-ops", Math.Max(3, count / 1500)));

        var next = count - 1; // technicians are taken from the end of the people list
        using var deskMembers = target.Open("desk_members", [new("desk_id", ColumnType.Uuid), new("person_id", ColumnType.Uuid), new("role", ColumnType.Number)]);
        using var groupMembers = target.Open("group_members", [new("group_id", ColumnType.Uuid), new("person_id", ColumnType.Uuid)]);
        foreach (var (desk, group, n) in plan)
        {
            var staff = context.Staff.TryGetValue(group, out var list) ? list : context.Staff[group] = [];
            for (var k = 0; k < n; k++, next--)
            {
                var person = context.People[next].Id;
                staff.Add(person);
                deskMembers.StartRow(); deskMembers.Uuid(context.Desks[desk].Id); deskMembers.Uuid(person); deskMembers.Number(DemoAccounts.TechnicianDeskRole); deskMembers.EndRow();
                groupMembers.StartRow(); groupMembers.Uuid(context.Groups[group]); groupMembers.Uuid(person); groupMembers.EndRow();
            }
        }
        deskMembers.Complete();
        groupMembers.Complete();
        log($"people: {count:N0}, technicians: {context.Staff.Values.Sum(s => s.Count):N0}");
    }
}
