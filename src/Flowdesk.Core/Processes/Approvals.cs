namespace Flowdesk.Processes;

public enum ApprovalDecision { Pending = 1, Approved = 2, Rejected = 3, Cancelled = 4 }

/// <summary>
/// One approver's part in one stage of a ticket's approvals. The rows of a ticket are its decision record:
/// who was asked, on whose behalf (delegation), what they decided, when and why.
/// </summary>
public sealed class Approval
{
    private Approval() { }

    public Approval(Guid ticketId, int stageIndex, string stage, Guid approverId, Guid? onBehalfOfId, DateTimeOffset now, DateTimeOffset? remindAt)
    {
        Id = Ids.New();
        TicketId = ticketId;
        StageIndex = stageIndex;
        Stage = stage;
        ApproverId = approverId;
        OnBehalfOfId = onBehalfOfId;
        Decision = ApprovalDecision.Pending;
        CreatedAt = now;
        RemindAt = remindAt;
    }

    public Guid Id { get; private set; }
    public Guid TicketId { get; private set; }
    public Tickets.Ticket? Ticket { get; private set; }
    public int StageIndex { get; private set; }
    public string Stage { get; private set; } = "";
    public Guid ApproverId { get; private set; }
    public People.Person? Approver { get; private set; }
    /// <summary>The person who was asked and is away; the approver decides on their behalf.</summary>
    public Guid? OnBehalfOfId { get; private set; }
    public ApprovalDecision Decision { get; private set; }
    public string? Comment { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public DateTimeOffset? RemindAt { get; private set; }
    public int Version { get; private set; } = 1;

    public void Decide(ApprovalDecision decision, string? comment, DateTimeOffset now)
    {
        if (Decision != ApprovalDecision.Pending) throw new InvalidOperationException("Already decided.");
        Decision = decision;
        Comment = comment;
        DecidedAt = now;
        RemindAt = null;
        Version++;
    }

    public void Cancel(DateTimeOffset now)
    {
        if (Decision != ApprovalDecision.Pending) return;
        Decision = ApprovalDecision.Cancelled;
        DecidedAt = now;
        RemindAt = null;
        Version++;
    }
}

public enum FulfilmentStatus { Blocked = 1, Open = 2, Done = 3, Skipped = 4, Cancelled = 5 }

/// <summary>
/// A fulfilment task of a ticket, assigned to a group on any desk: the onboarding case stays on the HR desk
/// while IT and facilities see and finish their own tasks.
/// </summary>
public sealed class FulfilmentTask
{
    private FulfilmentTask() { }

    public FulfilmentTask(Guid ticketId, int position, string key, string titleEn, string titleZh, Guid deskId, Guid? groupId,
        string after, FulfilmentStatus status, DateTimeOffset now, DateTimeOffset? dueAt)
    {
        Position = position;
        Id = Ids.New();
        TicketId = ticketId;
        Key = key;
        TitleEn = titleEn;
        TitleZh = titleZh;
        DeskId = deskId;
        GroupId = groupId;
        After = after;
        Status = status;
        CreatedAt = now;
        DueAt = dueAt;
    }

    public Guid Id { get; private set; }
    public Guid TicketId { get; private set; }
    public Tickets.Ticket? Ticket { get; private set; }
    /// <summary>Order of the task in its ticket (the document's order, then tasks added by rules).</summary>
    public int Position { get; private set; }
    public string Key { get; private set; } = "";
    public string TitleEn { get; private set; } = "";
    public string TitleZh { get; private set; } = "";
    public Guid DeskId { get; private set; }
    public Desks.Desk? Desk { get; private set; }
    public Guid? GroupId { get; private set; }
    public Desks.Group? Group { get; private set; }
    public Guid? AssigneeId { get; private set; }
    public People.Person? Assignee { get; private set; }
    /// <summary>Space-separated keys of the tasks that must be done first.</summary>
    public string After { get; private set; } = "";
    public FulfilmentStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? DueAt { get; private set; }
    public DateTimeOffset? DoneAt { get; private set; }
    public Guid? DoneById { get; private set; }
    public string? Note { get; private set; }
    public int Version { get; private set; } = 1;

    public IEnumerable<string> AfterKeys => After.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public string Title(string language) => Localization.Languages.IsChinese(language) && TitleZh.Length > 0 ? TitleZh : TitleEn;

    public void Open() { if (Status == FulfilmentStatus.Blocked) { Status = FulfilmentStatus.Open; Version++; } }

    public void Complete(Guid by, string? note, DateTimeOffset now)
    {
        Status = FulfilmentStatus.Done;
        DoneAt = now;
        DoneById = by;
        Note = note;
        Version++;
    }

    public void Skip() { Status = FulfilmentStatus.Skipped; Version++; }

    public void Cancel() { if (Status is FulfilmentStatus.Open or FulfilmentStatus.Blocked) { Status = FulfilmentStatus.Cancelled; Version++; } }

    public void AssignTo(Guid? personId) { AssigneeId = personId; Version++; }
}
