using Flowdesk.Mail;
using Flowdesk.Security;

namespace Flowdesk.Web.Components.Admin;

/// <summary>
/// Which admin screens a person may open: the same tests the admin API makes (templates, the outbox and the jobs for
/// system admins, the mail quarantine also for desk admins). A screen not allowed answers the ordinary 404 page.
/// </summary>
public sealed record AdminAccess(bool Templates, bool Outbox, bool Mail, bool Jobs)
{
    public static AdminAccess For(Caller caller) => new(caller.IsSystemAdmin, caller.IsSystemAdmin, MailAdmin.MayView(caller), caller.IsSystemAdmin);

    public bool Any => Templates || Outbox || Mail || Jobs;

    /// <summary>The first screen this person may open, for the console's one "Administration" entry.</summary>
    public string? Home => Templates ? "/console/admin/templates" : Outbox ? "/console/admin/outbox" : Mail ? "/console/admin/mail"
        : Jobs ? "/console/admin/jobs" : null;
}
