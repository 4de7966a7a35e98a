using Flowdesk.Calendars;
using Flowdesk.Desks;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Sla;

/// <summary>The tables of business calendars and SLA policies; FlowdeskDb calls this from OnModelCreating.</summary>
static class SlaModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<BusinessCalendar>(c =>
        {
            c.ToTable("business_calendars");
            c.HasIndex(x => x.Key).IsUnique();
            c.Property(x => x.Key).HasMaxLength(50);
            c.Property(x => x.NameEn).HasMaxLength(200);
            c.Property(x => x.NameZh).HasMaxLength(200);
            c.Property(x => x.TimeZone).HasMaxLength(64);
            c.Property(x => x.WeeklyHours).HasMaxLength(4000);
            c.HasMany(x => x.Years).WithOne().HasForeignKey(x => x.CalendarId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CalendarYear>(y =>
        {
            y.ToTable("calendar_years");
            y.HasIndex(x => new { x.CalendarId, x.Year }).IsUnique();
            y.Property(x => x.Source).HasMaxLength(200);
        });

        builder.Entity<SlaPolicy>(p =>
        {
            p.ToTable("sla_policies");
            p.Property(x => x.Name).HasMaxLength(200);
            p.Property(x => x.Service).HasMaxLength(100);
            p.Property(x => x.ProcessKey).HasMaxLength(100);
            p.Property(x => x.FirstResponseTarget).HasMaxLength(20);
            p.Property(x => x.ResolutionTarget).HasMaxLength(20);
            p.Property(x => x.PauseStates).HasMaxLength(1000);
            p.Property(x => x.Escalations).HasMaxLength(4000);
            p.HasIndex(x => x.DeskId);
            p.HasOne<Desk>().WithMany().HasForeignKey(x => x.DeskId).OnDelete(DeleteBehavior.Cascade);
            p.HasOne(x => x.Calendar).WithMany().HasForeignKey(x => x.CalendarId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
