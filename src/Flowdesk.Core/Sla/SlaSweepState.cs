using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Sla;

/// <summary>
/// What the SLA sweep knows about one open ticket (table sla_sweep_states): the due times it last looked at, when
/// the ticket's next SLA event (warning, breach, escalation level) can happen at the earliest, and which events have
/// fired — so a restart or another node never repeats them.
/// </summary>
public sealed class SlaSweepState
{
    private SlaSweepState() { }

    public Guid TicketId { get; private set; }
    /// <summary>The ticket's due times when the sweep last looked; a different value on the ticket means "look again".</summary>
    public DateTimeOffset? FirstResponseDue { get; private set; }
    public DateTimeOffset? ResolutionDue { get; private set; }
    /// <summary>No event can happen before this instant; null when none can happen until the due times change (paused, all fired).</summary>
    public DateTimeOffset? NextCheckAt { get; private set; }
    /// <summary>Space-separated events that have fired: warning:resolution, breach:first_response, escalation:2 …</summary>
    public string Fired { get; private set; } = "";
    public DateTimeOffset CheckedAt { get; private set; }
}

static class SlaSweepModel
{
    public static void Configure(ModelBuilder builder) =>
        builder.Entity<SlaSweepState>(s =>
        {
            s.ToTable("sla_sweep_states");
            s.HasKey(x => x.TicketId);
            s.Property(x => x.Fired).HasMaxLength(1000);
            s.HasIndex(x => x.NextCheckAt);
            s.HasOne<Ticket>().WithOne().HasForeignKey<SlaSweepState>(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
        });
}
