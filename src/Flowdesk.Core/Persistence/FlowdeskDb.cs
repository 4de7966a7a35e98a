using Flowdesk.Api;
using Flowdesk.Attachments;
using Flowdesk.Desks;
using Flowdesk.People;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Persistence;

/// <summary>
/// The one model. Each database has its own subclass (SqliteFlowdeskDb, PostgresFlowdeskDb) so each
/// keeps its own migrations; code asks for FlowdeskDb and never cares which one it got.
/// </summary>
public abstract class FlowdeskDb(DbContextOptions options) : IdentityDbContext<Person, IdentityRole<Guid>, Guid>(options)
{
    /// <summary>What the interceptors keep for this context (see <see cref="ContextSlots"/>).</summary>
    internal ContextSlots Slots { get; } = new();

    public DbSet<Desk> Desks => Set<Desk>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<DeskMember> DeskMembers => Set<DeskMember>();
    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<TicketWatcher> TicketWatchers => Set<TicketWatcher>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<TicketHistoryEntry> TicketHistory => Set<TicketHistoryEntry>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Processes.Process> Processes => Set<Processes.Process>();
    public DbSet<Processes.ProcessVersion> ProcessVersions => Set<Processes.ProcessVersion>();
    public DbSet<Processes.Approval> Approvals => Set<Processes.Approval>();
    public DbSet<Processes.FulfilmentTask> FulfilmentTasks => Set<Processes.FulfilmentTask>();
    public DbSet<TicketLink> TicketLinks => Set<TicketLink>();
    public DbSet<Outbox.OutboxMessage> OutboxMessages => Set<Outbox.OutboxMessage>();

    // ---- SLA: business calendars and policies (configured in Sla/SlaModel.cs)
    public DbSet<Calendars.BusinessCalendar> BusinessCalendars => Set<Calendars.BusinessCalendar>();
    public DbSet<Calendars.CalendarYear> CalendarYears => Set<Calendars.CalendarYear>();
    public DbSet<Sla.SlaPolicy> SlaPolicies => Set<Sla.SlaPolicy>();

    // ---- Portal: satisfaction surveys, announcements (configured in Portal/PortalModel.cs)
    public DbSet<Portal.SatisfactionSurvey> SatisfactionSurveys => Set<Portal.SatisfactionSurvey>();
    public DbSet<Portal.Announcement> Announcements => Set<Portal.Announcement>();

    // ---- console: saved views per person (configured in Tickets/SavedView.cs)
    public DbSet<SavedView> SavedViews => Set<SavedView>();

    // ---- notifications, chat channels, signing keys (configured in Notifications/NotificationModel.cs)
    public DbSet<Notifications.Notification> Notifications => Set<Notifications.Notification>();
    public DbSet<Notifications.NotificationTemplate> NotificationTemplates => Set<Notifications.NotificationTemplate>();
    public DbSet<Notifications.NotificationFanout> NotificationFanouts => Set<Notifications.NotificationFanout>();
    public DbSet<Notifications.NotificationTemplateError> NotificationTemplateErrors => Set<Notifications.NotificationTemplateError>();
    public DbSet<Notifications.SigningKey> SigningKeys => Set<Notifications.SigningKey>();
    public DbSet<Chat.ChatChannel> ChatChannels => Set<Chat.ChatChannel>();

    // ---- jobs: scheduled job rows, SLA sweep records, time-based rule runs (configured in Jobs/, Sla/SlaSweepState.cs, Processes/TimedRules.cs)
    public DbSet<Jobs.ScheduledJobState> ScheduledJobs => Set<Jobs.ScheduledJobState>();
    public DbSet<Sla.SlaSweepState> SlaSweepStates => Set<Sla.SlaSweepState>();
    public DbSet<Processes.TimedRuleRun> TimedRuleRuns => Set<Processes.TimedRuleRun>();

    // ---- email in: fetched messages, their outcome and the quarantine (configured in Mail/InboundMail.cs)
    public DbSet<Mail.InboundMail> InboundMail => Set<Mail.InboundMail>();

    public abstract DatabaseProvider Provider { get; }

    /// <summary>The longest a single migration statement may run.</summary>
    public static readonly TimeSpan MigrationCommandTimeout = TimeSpan.FromHours(2);

    /// <summary>
    /// Applies pending migrations without the request command timeout (30 s): a migration that builds an index over a
    /// million tickets takes minutes, and stopping half-way would leave a large installation unable to start.
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct)
    {
        var previous = Database.GetCommandTimeout();
        Database.SetCommandTimeout(MigrationCommandTimeout);
        try
        {
            await Database.MigrateAsync(ct);
        }
        finally
        {
            Database.SetCommandTimeout(previous);
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // Identity names its tables itself (AspNetUsers…); give them the same snake-case style as the rest.
        builder.Entity<IdentityRole<Guid>>().ToTable("roles");
        builder.Entity<IdentityUserRole<Guid>>().ToTable("person_roles");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("person_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("person_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("person_tokens");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");

        builder.Entity<Person>(p =>
        {
            p.ToTable("people");
            p.Property(x => x.DisplayName).HasMaxLength(200);
            p.Property(x => x.Department).HasMaxLength(200);
            p.Property(x => x.Location).HasMaxLength(200);
            p.Property(x => x.Language).HasMaxLength(10);
            p.Property(x => x.TimeZone).HasMaxLength(64);
            p.HasOne<Person>().WithMany().HasForeignKey(x => x.ManagerId).OnDelete(DeleteBehavior.Restrict);
            // The few heads by department, for "department.head" approval stages (without it: a scan of everyone).
            p.HasIndex(x => x.Department, "ix_people_department_heads").HasFilter("is_department_head");
        });

        builder.Entity<Desk>(d =>
        {
            d.HasIndex(x => x.Key).IsUnique();
            d.HasIndex(x => x.TicketPrefix).IsUnique();
            d.Property(x => x.Key).HasMaxLength(50);
            d.Property(x => x.TicketPrefix).HasMaxLength(10);
            d.Property(x => x.NameEn).HasMaxLength(200);
            d.Property(x => x.NameZh).HasMaxLength(200);
        });

        builder.Entity<Group>(g =>
        {
            g.HasIndex(x => x.Key).IsUnique();
            g.Property(x => x.Key).HasMaxLength(50);
            g.Property(x => x.NameEn).HasMaxLength(200);
            g.Property(x => x.NameZh).HasMaxLength(200);
            g.HasOne(x => x.Desk).WithMany().HasForeignKey(x => x.DeskId).OnDelete(DeleteBehavior.Restrict);
            g.HasMany(x => x.Members).WithOne().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<GroupMember>(m =>
        {
            m.HasKey(x => new { x.GroupId, x.PersonId });
            m.HasIndex(x => x.PersonId);
            m.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<DeskMember>(m =>
        {
            m.HasKey(x => new { x.DeskId, x.PersonId });
            m.HasIndex(x => x.PersonId);
            m.HasOne<Desk>().WithMany().HasForeignKey(x => x.DeskId).OnDelete(DeleteBehavior.Cascade);
            m.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Ticket>(t =>
        {
            t.HasIndex(x => x.Number).IsUnique();
            t.Property(x => x.Number).HasMaxLength(20);
            t.Property(x => x.Subject).HasMaxLength(TicketLimits.SubjectMax);
            t.Property(x => x.Description).HasMaxLength(TicketLimits.DescriptionMax);
            t.Property(x => x.Category).HasMaxLength(100);
            t.Property(x => x.Service).HasMaxLength(100);
            t.Property(x => x.Status).HasMaxLength(50);
            t.Property(x => x.ProcessKey).HasMaxLength(100);
            t.Property(x => x.Version).IsConcurrencyToken();
            t.Ignore(x => x.ETag);
            t.HasOne(x => x.Desk).WithMany().HasForeignKey(x => x.DeskId).OnDelete(DeleteBehavior.Restrict);
            t.HasOne(x => x.Requester).WithMany().HasForeignKey(x => x.RequesterId).OnDelete(DeleteBehavior.Restrict);
            t.HasOne(x => x.Assignee).WithMany().HasForeignKey(x => x.AssigneeId).OnDelete(DeleteBehavior.Restrict);
            t.HasOne(x => x.AssigneeGroup).WithMany().HasForeignKey(x => x.AssigneeGroupId).OnDelete(DeleteBehavior.Restrict);
            t.HasMany(x => x.Watchers).WithOne().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
            t.HasMany(x => x.Comments).WithOne().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
            // A technician's queue: desk + status, sorted by due time, a page at a time.
            t.HasIndex(x => new { x.DeskId, x.Status, x.ResolutionDue });
            t.HasIndex(x => new { x.AssigneeId, x.Status });
            // "Least open tickets" assignment counts each member's open tickets; without this it read every ticket the
            // group's members ever had (about a second per pick at a million tickets).
            t.HasIndex(x => x.AssigneeId, "ix_tickets_open_by_assignee").HasFilter("resolved_at IS NULL AND closed_at IS NULL");
            t.HasIndex(x => new { x.AssigneeGroupId, x.Status });
            t.HasIndex(x => new { x.RequesterId, x.CreatedAt });
            t.HasIndex(x => x.CreatedAt);
            // A process's version metrics read its tickets of a window of creation dates (without it: every ticket).
            t.HasIndex(x => new { x.ProcessKey, x.CreatedAt });
        });

        builder.Entity<TicketWatcher>(w =>
        {
            w.HasKey(x => new { x.TicketId, x.PersonId });
            w.HasIndex(x => x.PersonId);
            w.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Comment>(c =>
        {
            c.Property(x => x.Body).HasMaxLength(TicketLimits.CommentMax);
            c.HasIndex(x => new { x.TicketId, x.CreatedAt });
            c.HasOne(x => x.Author).WithMany().HasForeignKey(x => x.AuthorId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<TicketHistoryEntry>(h =>
        {
            h.ToTable("ticket_history");
            h.Property(x => x.Field).HasMaxLength(100);
            h.HasIndex(x => new { x.TicketId, x.At });
            h.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Attachment>(a =>
        {
            a.Property(x => x.FileName).HasMaxLength(255);
            a.Property(x => x.ContentType).HasMaxLength(100);
            a.Property(x => x.Sha256).HasMaxLength(64);
            a.HasIndex(x => x.TicketId);
            a.HasIndex(x => x.Sha256);
            a.HasOne(x => x.Ticket).WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
            a.HasOne(x => x.Comment).WithMany().HasForeignKey(x => x.CommentId).OnDelete(DeleteBehavior.SetNull);
        });

        builder.Entity<AccessToken>(a =>
        {
            a.Property(x => x.Hash).HasMaxLength(64);
            a.Property(x => x.Name).HasMaxLength(200);
            a.HasIndex(x => x.Hash).IsUnique();
            a.HasIndex(x => x.PersonId);
            a.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<IdempotencyRecord>(i =>
        {
            i.Property(x => x.Key).HasMaxLength(200);
            i.Property(x => x.RequestHash).HasMaxLength(64);
            i.Property(x => x.Location).HasMaxLength(500);
            i.HasIndex(x => new { x.CallerId, x.Key }).IsUnique();
            i.HasIndex(x => x.CreatedAt);
        });

        // ---- process engine: definitions and versions, approvals, fulfilment tasks, links, outbox
        builder.Entity<Processes.Process>(p =>
        {
            p.Property(x => x.Key).HasMaxLength(100);
            p.HasIndex(x => x.Key).IsUnique();
            p.HasOne<Desk>().WithMany().HasForeignKey(x => x.DeskId).OnDelete(DeleteBehavior.Restrict);
            p.HasMany(x => x.Versions).WithOne().HasForeignKey(x => x.ProcessId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Processes.ProcessVersion>(v =>
        {
            v.Property(x => x.ProcessKey).HasMaxLength(100);
            v.Property(x => x.Changelog).HasMaxLength(500);
            v.HasIndex(x => new { x.ProcessKey, x.Number }).IsUnique();
            v.Property(x => x.Revision).IsConcurrencyToken();
            v.Ignore(x => x.ETag);
            v.Ignore(x => x.IsDraft);
        });
        builder.Entity<Processes.Approval>(a =>
        {
            a.Property(x => x.Stage).HasMaxLength(100);
            a.Property(x => x.Comment).HasMaxLength(TicketLimits.CommentMax);
            a.Property(x => x.Version).IsConcurrencyToken();
            a.HasIndex(x => new { x.TicketId, x.StageIndex });
            a.HasIndex(x => new { x.ApproverId, x.Decision });
            a.HasIndex(x => new { x.Decision, x.RemindAt });
            a.HasOne(x => x.Ticket).WithMany(t => t.Approvals).HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
            a.HasOne(x => x.Approver).WithMany().HasForeignKey(x => x.ApproverId).OnDelete(DeleteBehavior.Restrict);
            a.HasOne<Person>().WithMany().HasForeignKey(x => x.OnBehalfOfId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<Processes.FulfilmentTask>(t =>
        {
            t.ToTable("fulfilment_tasks");
            t.Property(x => x.Key).HasMaxLength(100);
            t.Property(x => x.TitleEn).HasMaxLength(300);
            t.Property(x => x.TitleZh).HasMaxLength(300);
            t.Property(x => x.After).HasMaxLength(1000);
            t.Property(x => x.Note).HasMaxLength(TicketLimits.CommentMax);
            t.Property(x => x.Version).IsConcurrencyToken();
            t.HasIndex(x => x.TicketId);
            t.HasIndex(x => new { x.GroupId, x.Status });
            t.HasIndex(x => new { x.DeskId, x.Status });
            t.HasOne(x => x.Ticket).WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
            t.HasOne(x => x.Desk).WithMany().HasForeignKey(x => x.DeskId).OnDelete(DeleteBehavior.Restrict);
            t.HasOne(x => x.Group).WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Restrict);
            t.HasOne(x => x.Assignee).WithMany().HasForeignKey(x => x.AssigneeId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<TicketLink>(l =>
        {
            l.HasKey(x => new { x.FromId, x.ToId });
            l.Property(x => x.Kind).HasMaxLength(30);
            l.HasIndex(x => x.ToId);
            l.HasOne<Ticket>().WithMany().HasForeignKey(x => x.FromId).OnDelete(DeleteBehavior.Cascade);
            l.HasOne<Ticket>().WithMany().HasForeignKey(x => x.ToId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<Outbox.OutboxMessage>(o =>
        {
            o.ToTable("outbox");
            o.Property(x => x.Kind).HasMaxLength(30);
            o.Property(x => x.LastError).HasMaxLength(2000);
            o.HasIndex(x => new { x.Status, x.NextAttemptAt });
            // The worker's claim asks for due messages of the kinds it can deliver now: without the kind first, mail
            // waiting for an SMTP server (never claimed) was scanned on every pass (355,000 rows at the bench's scale).
            o.HasIndex(x => new { x.Kind, x.Status, x.NextAttemptAt });
            // The worker reads back the rows it has just claimed by its token.
            o.HasIndex(x => x.ClaimedBy);
        });
        builder.Entity<Group>(g => g.Property(x => x.Strategy).HasConversion<string>().HasMaxLength(20));
        builder.Entity<GroupMember>(m => m.Property(x => x.Skills).HasMaxLength(500));

        // ---- SLA: business calendars and policies
        Sla.SlaModel.Configure(builder);
        Portal.PortalModel.Configure(builder);

        // ---- console: saved views
        SavedViewModel.Configure(builder);

        // ---- notifications and chat channels
        global::Flowdesk.Notifications.NotificationModel.Configure(builder);

        // ---- jobs, outbox claims, SLA sweep, time-based rules
        Jobs.JobsModel.Configure(builder);
        Outbox.OutboxModel.Configure(builder);
        Sla.SlaSweepModel.Configure(builder);
        global::Flowdesk.Processes.TimedRulesModel.Configure(builder);

        // ---- email in
        global::Flowdesk.Mail.MailModel.Configure(builder);

        // Keys are GUID v7 made by the application (Ids.New), so a new entity reached through a navigation
        // (a comment added to a ticket) must be inserted, never mistaken for an existing row to update.
        foreach (var entity in builder.Model.GetEntityTypes())
            if (entity.FindPrimaryKey() is { Properties: [{ ClrType: var type } key] } && type == typeof(Guid))
                key.ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
    }
}

public enum DatabaseProvider { Sqlite, Postgres }
