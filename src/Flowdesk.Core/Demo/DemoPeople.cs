using Flowdesk.Desks;
using Flowdesk.People;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Demo;

/// <summary>The demo organisation's people, by user name.</summary>
public sealed record DemoDirectory(IReadOnlyDictionary<string, Person> People)
{
    public Person this[string userName] => People[userName];
}

static class DemoPeople
{
    public static async Task<DemoDirectory> CreateAsync(FlowdeskDb db, UserManager<Person> users, StandardDesks desks, CancellationToken ct)
    {
        var p = Seeding.DemoPassword;
        var en = Localization.Languages.English;
        var zh = Localization.Languages.Chinese;
        Dictionary<string, Person> people = [];

        async Task<Person> Add(string user, string nameEn, string nameZh, string dept, string lang, Guid? manager = null, string tz = "Asia/Shanghai", string location = "Shanghai HQ")
        {
            var person = await Seeding.CreatePerson(users, user, nameEn, nameZh, dept, tz, lang, p, manager, location);
            people[user] = person;
            return person;
        }

        var admin = await Add("admin", "Administrator", "系统管理员", "IT", en);
        var bob = await Add("bob", "Bob Chen", "陈博", "Engineering", en);
        await Add("alice", "Alice Wang", "王爱丽", "Engineering", zh, bob.Id);
        await Add("carol", "Carol Liu", "刘卡罗", "Operations", en, location: "Beijing Office");
        var li = await Add("li.agent", "Li Wei", "李伟", "IT", zh);
        var zhang = await Add("zhang.hr", "Zhang Min", "张敏", "Human Resources", zh);
        // Further employees give the demo tickets a realistic spread of requesters.
        string[][] more =
        [
            ["david", "David Sun", "孙大伟", "Finance", "en"], ["emma", "Emma Zhou", "周艾玛", "Marketing", "zh-CN"],
            ["frank", "Frank Wu", "吴凡", "Sales", "zh-CN"], ["grace", "Grace Lin", "林格蕾", "Legal", "en"],
            ["henry", "Henry Zhao", "赵亨利", "Engineering", "zh-CN"], ["ivy", "Ivy Huang", "黄艾薇", "Operations", "en"],
            ["wang.fac", "Wang Qiang", "王强", "Facilities", "zh-CN"],
            ["zhou.iam", "Zhou Jie", "周杰", "IT", "zh-CN"], ["sun.sec", "Sun Li", "孙莉", "IT", "en"],
        ];
        foreach (var m in more) await Add(m[0], m[1], m[2], m[3], m[4], bob.Id);

        Check(await users.AddToRoleAsync(admin, SystemRoles.SystemAdmin));
        Check(await users.AddToRoleAsync(bob, SystemRoles.ProcessOwner));
        bob.IsDepartmentHead = true; // heads Engineering: approver for "department.head" stages
        Check(await users.UpdateAsync(bob));

        db.DeskMembers.AddRange(
            new DeskMember(desks.It.Id, li.Id, DeskRole.Technician),
            new DeskMember(desks.Hr.Id, zhang.Id, DeskRole.DeskAdmin),
            new DeskMember(desks.Facilities.Id, people["wang.fac"].Id, DeskRole.Technician),
            new DeskMember(desks.It.Id, people["zhou.iam"].Id, DeskRole.Technician),
            new DeskMember(desks.It.Id, people["sun.sec"].Id, DeskRole.Technician));
        db.GroupMembers.AddRange(
            new GroupMember(desks.GroupByKey("service-desk").Id, li.Id),
            new GroupMember(desks.GroupByKey("it-desktop").Id, li.Id),
            new GroupMember(desks.GroupByKey("hr-ops").Id, zhang.Id),
            new GroupMember(desks.GroupByKey("facilities-ops").Id, people["wang.fac"].Id),
            new GroupMember(desks.GroupByKey("cab").Id, people["carol"].Id),
            new GroupMember(desks.GroupByKey("cab").Id, bob.Id),
            new GroupMember(desks.GroupByKey("it-identity").Id, people["zhou.iam"].Id),
            new GroupMember(desks.GroupByKey("it-security").Id, people["sun.sec"].Id));
        await db.SaveChangesAsync(ct);
        return new DemoDirectory(people);
    }

    static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
