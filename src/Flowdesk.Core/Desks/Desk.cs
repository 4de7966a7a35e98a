namespace Flowdesk.Desks;

/// <summary>A service desk (IT, HR, facilities…): owns tickets, groups and processes.</summary>
public sealed class Desk
{
    private Desk() { }

    public Desk(string key, string nameEn, string nameZh, string ticketPrefix, bool confidential)
    {
        Id = Ids.New();
        Key = key;
        NameEn = nameEn;
        NameZh = nameZh;
        TicketPrefix = ticketPrefix;
        Confidential = confidential;
    }

    public Guid Id { get; private set; }
    public string Key { get; private set; } = "";
    public string NameEn { get; set; } = "";
    public string NameZh { get; set; } = "";
    /// <summary>Prefix of the human ticket number, e.g. IT in IT-000123.</summary>
    public string TicketPrefix { get; private set; } = "";
    /// <summary>A confidential desk's tickets are invisible to everyone outside the desk except their requester.</summary>
    public bool Confidential { get; set; }
    /// <summary>Last ticket number handed out; advanced in the same transaction that creates the ticket.</summary>
    public long LastNumber { get; private set; }

    public string Name(string language) => Localization.Languages.IsChinese(language) ? NameZh : NameEn;
}

/// <summary>A team of technicians on one desk; tickets are assigned to a group and optionally a person.</summary>
public sealed class Group
{
    private Group() { }

    public Group(Desk desk, string key, string nameEn, string nameZh)
    {
        Id = Ids.New();
        DeskId = desk.Id;
        Key = key;
        NameEn = nameEn;
        NameZh = nameZh;
    }

    public Guid Id { get; private set; }
    public Guid DeskId { get; private set; }
    public Desk? Desk { get; private set; }
    public string Key { get; private set; } = "";
    public string NameEn { get; set; } = "";
    public string NameZh { get; set; } = "";
    public List<GroupMember> Members { get; private set; } = [];
    /// <summary>How a new ticket or task for the group gets its person (never someone marked away).</summary>
    public AssignmentStrategy Strategy { get; set; } = AssignmentStrategy.Manual;
    /// <summary>Round-robin's memory: who got the last one.</summary>
    public Guid? LastAssignedId { get; set; }

    public string Name(string language) => Localization.Languages.IsChinese(language) ? NameZh : NameEn;
}

public sealed class GroupMember
{
    private GroupMember() { }
    public GroupMember(Guid groupId, Guid personId) { GroupId = groupId; PersonId = personId; }
    public Guid GroupId { get; private set; }
    public Guid PersonId { get; private set; }
    /// <summary>Space-separated categories or services this member handles (skill-based assignment).</summary>
    public string? Skills { get; set; }
}

public enum AssignmentStrategy { Manual = 1, RoundRobin = 2, LeastOpen = 3, Skill = 4 }

public enum DeskRole { Technician = 1, DeskAdmin = 2 }

/// <summary>Staff membership of a desk: technicians see and work the desk's tickets.</summary>
public sealed class DeskMember
{
    private DeskMember() { }
    public DeskMember(Guid deskId, Guid personId, DeskRole role) { DeskId = deskId; PersonId = personId; Role = role; }
    public Guid DeskId { get; private set; }
    public Guid PersonId { get; private set; }
    public DeskRole Role { get; set; }
}
