using System.Security.Cryptography;
using Flowdesk.Desks;
using Flowdesk.People;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Demo;

public sealed record SeedOptions(bool Demo, int DemoTickets, string? AdminPassword);

public sealed record SeedResult(IReadOnlyList<(string User, string Who)> DemoAccounts, string? GeneratedAdminPassword);

/// <summary>
/// First start on an empty database: the standard desks and groups, then either the demo organisation
/// (accounts, tickets, conversations in zh-CN and en) or a single admin whose password comes from
/// configuration or is generated and printed once — never a fixed default.
/// </summary>
public static class Seeding
{
    public const string DemoPassword = "Flowdesk!2026";

    public static readonly IReadOnlyList<(string User, string Who)> DemoAccounts =
    [
        ("admin", "system admin / 系统管理员"),
        ("li.agent", "IT technician / IT 技术员 (service-desk, it-desktop)"),
        ("zhang.hr", "HR technician / HR 专员"),
        ("alice", "employee / 员工 (manager: bob)"),
        ("bob", "manager, approver / 经理、审批人"),
        ("carol", "employee, CAB member / 员工、变更委员会成员"),
    ];

    public static async Task<SeedResult> RunAsync(IServiceProvider services, SeedOptions options, CancellationToken ct)
    {
        var db = services.GetRequiredService<FlowdeskDb>();
        var clock = services.GetRequiredService<TimeProvider>();
        if (await db.Desks.AnyAsync(ct))
        {
            // Calendars and SLA policies added by a newer release reach existing installations too; edits are kept.
            await Sla.SlaSeeding.EnsureAsync(db, clock, ct);
            return new SeedResult(options.Demo && await db.Users.AnyAsync(u => u.UserName == "alice", ct) ? DemoAccounts : [], null);
        }

        var roles = services.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var role in SystemRoles.All)
            if (!await roles.RoleExistsAsync(role)) Check(await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Ids.New() }));

        var directory = StandardDesks.Create();
        db.Desks.AddRange(directory.Desks);
        db.Groups.AddRange(directory.Groups);
        await db.SaveChangesAsync(ct);
        await Sla.SlaSeeding.EnsureAsync(db, clock, ct);

        var users = services.GetRequiredService<UserManager<Person>>();
        if (!options.Demo)
        {
            var password = string.IsNullOrWhiteSpace(options.AdminPassword) ? GeneratePassword() : options.AdminPassword;
            var admin = await CreatePerson(users, "admin", "Administrator", "管理员", "IT", "Asia/Shanghai", Localization.Languages.English, password);
            Check(await users.AddToRoleAsync(admin, SystemRoles.SystemAdmin));
            return new SeedResult([], string.IsNullOrWhiteSpace(options.AdminPassword) ? password : null);
        }

        var people = await DemoPeople.CreateAsync(db, users, directory, ct);
        await DemoProcesses.SeedAsync(db, people["bob"].Id, clock.GetUtcNow(), ct);
        await DemoTickets.SeedAsync(db, people, directory, options.DemoTickets, clock, ct);
        return new SeedResult(DemoAccounts, null);
    }

    internal static async Task<Person> CreatePerson(UserManager<Person> users, string userName, string nameEn, string nameZh,
        string department, string timeZone, string language, string password, Guid? managerId = null, string? location = null)
    {
        var person = new Person
        {
            UserName = userName,
            Email = $"{userName}@flowdesk.example",
            EmailConfirmed = true,
            DisplayName = Localization.Languages.IsChinese(language) ? nameZh : nameEn,
            Department = department,
            TimeZone = timeZone,
            Language = language,
            ManagerId = managerId,
            Location = location,
        };
        Check(await users.CreateAsync(person, password));
        return person;
    }

    /// <summary>
    /// 120 random bits, plus a fixed upper case letter, lower case letter, symbol and a random digit, so that Identity's
    /// password rules always pass: the random part alone has no digit about one time in thirty, and the first start
    /// then failed.
    /// </summary>
    internal static string GeneratePassword() =>
        "Fd-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y')
        + "-" + RandomNumberGenerator.GetInt32(10).ToString(System.Globalization.CultureInfo.InvariantCulture);

    static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Seeding failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}

/// <summary>The desks and groups every installation starts with.</summary>
public sealed record StandardDesks(IReadOnlyList<Desk> Desks, IReadOnlyList<Group> Groups)
{
    public Desk It => Desks.Single(d => d.Key == "it");
    public Desk Hr => Desks.Single(d => d.Key == "hr");
    public Desk Facilities => Desks.Single(d => d.Key == "facilities");
    public Group GroupByKey(string key) => Groups.Single(g => g.Key == key);

    public static StandardDesks Create()
    {
        var it = new Desk("it", "IT Service Desk", "IT 服务台", "IT", confidential: false);
        var hr = new Desk("hr", "Human Resources", "人力资源", "HR", confidential: true);
        var facilities = new Desk("facilities", "Facilities", "行政后勤", "FAC", confidential: false);
        return new StandardDesks([it, hr, facilities],
        [
            new Group(it, "service-desk", "Service desk", "服务台一线"),
            new Group(it, "it-desktop", "Desktop support", "桌面支持"),
            new Group(it, "it-identity", "Identity and access", "账号与权限"),
            new Group(it, "it-security", "IT security", "信息安全"),
            new Group(it, "it-network", "Network", "网络"),
            new Group(hr, "hr-ops", "HR operations", "人事运营"),
            new Group(facilities, "facilities-ops", "Facilities operations", "行政运营"),
            new Group(it, "cab", "Change advisory board", "变更咨询委员会"),
        ]);
    }
}
