namespace Flowdesk.Portal;

/// <summary>
/// The requester's rating of a resolved request: 1 (poor) to 5 (excellent) and an optional comment.
/// One per ticket; a reopened and again resolved ticket keeps the first answer (it may be changed by answering again).
/// </summary>
public sealed class SatisfactionSurvey
{
    public const int CommentMax = 2000;

    private SatisfactionSurvey() { }

    public SatisfactionSurvey(Guid ticketId, Guid personId, int rating, string? comment, DateTimeOffset now)
    {
        Id = Ids.New();
        TicketId = ticketId;
        PersonId = personId;
        CreatedAt = now;
        Answer(rating, comment, now);
    }

    public Guid Id { get; private set; }
    public Guid TicketId { get; private set; }
    public Guid PersonId { get; private set; }
    public int Rating { get; private set; }
    public string? Comment { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public void Answer(int rating, string? comment, DateTimeOffset now)
    {
        if (rating is < 1 or > 5) throw new ArgumentOutOfRangeException(nameof(rating));
        Rating = rating;
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        UpdatedAt = now;
    }
}

public enum AnnouncementLevel { Info = 1, Warning = 2 }

/// <summary>
/// A short notice on the portal's home page ("Email is slow this morning", "Office move on Saturday"),
/// in both languages, shown between its start and end. Managed by system admins through the API.
/// </summary>
public sealed class Announcement
{
    public const int TitleMax = 200;
    public const int BodyMax = 2000;

    private Announcement() { }

    public Announcement(string titleEn, string titleZh, string? bodyEn, string? bodyZh, AnnouncementLevel level,
        DateTimeOffset startsAt, DateTimeOffset? endsAt, Guid createdById, DateTimeOffset now)
    {
        Id = Ids.New();
        TitleEn = titleEn;
        TitleZh = titleZh;
        BodyEn = bodyEn;
        BodyZh = bodyZh;
        Level = level;
        StartsAt = startsAt;
        EndsAt = endsAt;
        CreatedById = createdById;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string TitleEn { get; private set; } = "";
    public string TitleZh { get; private set; } = "";
    public string? BodyEn { get; private set; }
    public string? BodyZh { get; private set; }
    public AnnouncementLevel Level { get; private set; }
    public DateTimeOffset StartsAt { get; private set; }
    public DateTimeOffset? EndsAt { get; private set; }
    public Guid CreatedById { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public string Title(string language) => Localization.Languages.IsChinese(language) && TitleZh.Length > 0 ? TitleZh : TitleEn;

    public string? Body(string language) => Localization.Languages.IsChinese(language) && !string.IsNullOrEmpty(BodyZh) ? BodyZh : BodyEn;

    public bool IsShownAt(DateTimeOffset now) => StartsAt <= now && (EndsAt is null || EndsAt > now);
}
