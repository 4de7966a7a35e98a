using Microsoft.AspNetCore.Identity;

namespace Flowdesk.People;

/// <summary>
/// Anyone who signs in or acts: employees, technicians, admins, and integration users behind API keys.
/// It is the Identity user, so passwords, lock-out and security stamps come from ASP.NET Core Identity.
/// </summary>
public sealed class Person : IdentityUser<Guid>
{
    public Person() { Id = Ids.New(); SecurityStamp = Guid.NewGuid().ToString("N"); }

    public string DisplayName { get; set; } = "";
    public string? Department { get; set; }
    public Guid? ManagerId { get; set; }
    public string? Location { get; set; }
    /// <summary>zh-CN or en; chosen by the person, used for the UI and notifications.</summary>
    public string Language { get; set; } = Localization.Languages.English;
    /// <summary>IANA time zone id, e.g. Asia/Shanghai.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>An integration user acts for an API key and never signs in interactively.</summary>
    public bool IsIntegration { get; set; }
    /// <summary>Away people get no new assignments; their approvals go to their delegate.</summary>
    public bool IsAway { get; set; }
    /// <summary>Who decides this person's approvals while they are away.</summary>
    public Guid? DelegateId { get; set; }
    /// <summary>Heads their department: approver for stages with "department.head".</summary>
    public bool IsDepartmentHead { get; set; }
    public bool IsActive { get; set; } = true;
}

/// <summary>Platform-wide roles. Technician and desk admin are per desk (see DeskMember).</summary>
public static class SystemRoles
{
    public const string SystemAdmin = "system-admin";
    public const string Auditor = "auditor";
    public const string ProcessOwner = "process-owner";
    public static readonly string[] All = [SystemAdmin, Auditor, ProcessOwner];
}
