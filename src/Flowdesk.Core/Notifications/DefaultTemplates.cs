using Flowdesk.Localization;

namespace Flowdesk.Notifications;

public sealed record TemplateText(string Subject, string Body);

/// <summary>
/// The shipped template of every event in English and Simplified Chinese. Admins override them per event and language
/// (notification_templates); these stay as the fallback when an override fails to render. Subjects carry the ticket
/// number in brackets ([IT-000123]) so replies thread back to the ticket.
/// </summary>
public static class DefaultTemplates
{
    public static TemplateText For(string @event, string language) =>
        (Languages.IsChinese(language) ? Chinese : English).TryGetValue(@event, out var text) ? text : Fallback(language);

    static TemplateText Fallback(string language) => Languages.IsChinese(language)
        ? new("[{{ ticket.number }}] {{ ticket.title }}", "工单 {{ ticket.number }}「{{ ticket.title }}」有更新。\n查看工单：{{ ticket.url }}")
        : new("[{{ ticket.number }}] {{ ticket.title }}", "Ticket {{ ticket.number }} \"{{ ticket.title }}\" was updated.\nOpen it: {{ ticket.url }}");

    const string Due = "{% if ticket.resolution_due %}\nResolution due: {{ ticket.resolution_due }}{% endif %}";
    const string DueZh = "{% if ticket.resolution_due %}\n解决时限：{{ ticket.resolution_due }}{% endif %}";

    static readonly Dictionary<string, TemplateText> English = new(StringComparer.Ordinal)
    {
        [NotificationEvents.TicketCreated] = new(
            "[{{ ticket.number }}] New: {{ ticket.title }}",
            "{{ actor.name }} opened {{ ticket.number }} \"{{ ticket.title }}\" on the {{ ticket.desk }} desk for {{ ticket.requester }}.\n"
            + "Priority {{ ticket.priority }}, state {{ ticket.state }}." + Due + "\n\nOpen it: {{ ticket.url }}"),
        [NotificationEvents.CommentAdded] = new(
            "[{{ ticket.number }}] New reply: {{ ticket.title }}",
            "{{ comment.author }} replied on {{ ticket.number }} \"{{ ticket.title }}\":\n\n> {{ comment.excerpt }}\n\nReply or read the conversation: {{ ticket.url }}"),
        [NotificationEvents.Assigned] = new(
            "[{{ ticket.number }}] Assigned to {% if ticket.assignee %}you{% else %}{{ ticket.group }}{% endif %}: {{ ticket.title }}",
            "{{ actor.name }} assigned {{ ticket.number }} \"{{ ticket.title }}\" to {% if ticket.assignee %}{{ ticket.assignee }}{% else %}the group {{ ticket.group }}{% endif %}.\n"
            + "Priority {{ ticket.priority }}, requester {{ ticket.requester }}." + Due + "\n\nOpen it: {{ ticket.url }}"),
        [NotificationEvents.Resolved] = new(
            "[{{ ticket.number }}] Resolved: {{ ticket.title }}",
            "{{ ticket.number }} \"{{ ticket.title }}\" has been resolved by {{ actor.name }}.\n"
            + "If the problem is not solved, reply on the ticket and it will be reopened: {{ ticket.url }}"),
        [NotificationEvents.ApprovalNeeded] = new(
            "[{{ ticket.number }}] Approval needed: {{ ticket.title }}",
            "{{ ticket.requester }} asks for {{ ticket.number }} \"{{ ticket.title }}\". Your decision is needed at the \"{{ approval.stage }}\" stage.\n"
            + "{% if approval.approve_url %}\nApprove: {{ approval.approve_url }}\nReject: {{ approval.reject_url }}\n{% endif %}\nSee the request: {{ ticket.url }}"),
        [NotificationEvents.ApprovalApproved] = new(
            "[{{ ticket.number }}] Approved: {{ ticket.title }}",
            "{{ actor.name }} approved {{ ticket.number }} \"{{ ticket.title }}\" at the \"{{ approval.stage }}\" stage."
            + "{% if approval.comment %}\n\n> {{ approval.comment }}{% endif %}\n\nFollow it: {{ ticket.url }}"),
        [NotificationEvents.ApprovalRejected] = new(
            "[{{ ticket.number }}] Rejected: {{ ticket.title }}",
            "Your request {{ ticket.number }} \"{{ ticket.title }}\" was rejected{% if approval.stage %} at the \"{{ approval.stage }}\" stage{% endif %}."
            + "{% if approval.comment %}\n\nReason:\n> {{ approval.comment }}{% endif %}\n\nSee the request: {{ ticket.url }}"),
        [NotificationEvents.ApprovalReminder] = new(
            "[{{ ticket.number }}] Reminder: approval waiting for you",
            "{{ ticket.number }} \"{{ ticket.title }}\" from {{ ticket.requester }} is still waiting for your decision at the \"{{ approval.stage }}\" stage.\n"
            + "{% if approval.approve_url %}\nApprove: {{ approval.approve_url }}\nReject: {{ approval.reject_url }}\n{% endif %}\nSee the request: {{ ticket.url }}"),
        [NotificationEvents.TaskAssigned] = new(
            "[{{ ticket.number }}] Task for {% if task.assignee %}you{% else %}{{ task.group }}{% endif %}: {{ task.title }}",
            "A task is ready for {% if task.assignee %}{{ task.assignee }}{% else %}the group {{ task.group }}{% endif %}: \"{{ task.title }}\" ({{ ticket.number }}).\n\nOpen your tasks: {{ task.url }}"),
        [NotificationEvents.SurveyRequest] = new(
            "[{{ ticket.number }}] How did we do?",
            "{{ ticket.number }} \"{{ ticket.title }}\" is resolved. Please tell us how satisfied you are - it takes ten seconds: {{ ticket.survey_url }}"),
        [NotificationEvents.SlaWarning] = new(
            "[{{ ticket.number }}] SLA warning: {{ ticket.title }}",
            "The {{ sla.target }} target of {{ ticket.number }} \"{{ ticket.title }}\" is due {{ sla.due }} and will be breached soon.\n"
            + "Priority {{ ticket.priority }}, assignee {% if ticket.assignee %}{{ ticket.assignee }}{% else %}none{% endif %}.\n\nOpen it: {{ ticket.url }}"),
        [NotificationEvents.SlaBreach] = new(
            "[{{ ticket.number }}] SLA breached: {{ ticket.title }}",
            "The {{ sla.target }} target of {{ ticket.number }} \"{{ ticket.title }}\" was due {{ sla.due }} and is breached.\n"
            + "Priority {{ ticket.priority }}, assignee {% if ticket.assignee %}{{ ticket.assignee }}{% else %}none{% endif %}.\n\nOpen it: {{ ticket.url }}"),
        [NotificationEvents.SlaEscalation] = new(
            "[{{ ticket.number }}] Escalated (level {{ sla.level }}): {{ ticket.title }}",
            "{{ ticket.number }} \"{{ ticket.title }}\" was escalated to level {{ sla.level }}; its {{ sla.target }} target was due {{ sla.due }}.\n\nOpen it: {{ ticket.url }}"),
    };

    static readonly Dictionary<string, TemplateText> Chinese = new(StringComparer.Ordinal)
    {
        [NotificationEvents.TicketCreated] = new(
            "[{{ ticket.number }}] 新工单：{{ ticket.title }}",
            "{{ actor.name }} 在{{ ticket.desk }}服务台为 {{ ticket.requester }} 创建了工单 {{ ticket.number }}「{{ ticket.title }}」。\n"
            + "优先级 {{ ticket.priority }}，状态：{{ ticket.state }}。" + DueZh + "\n\n查看工单：{{ ticket.url }}"),
        [NotificationEvents.CommentAdded] = new(
            "[{{ ticket.number }}] 新回复：{{ ticket.title }}",
            "{{ comment.author }} 回复了工单 {{ ticket.number }}「{{ ticket.title }}」：\n\n> {{ comment.excerpt }}\n\n回复或查看对话：{{ ticket.url }}"),
        [NotificationEvents.Assigned] = new(
            "[{{ ticket.number }}] {% if ticket.assignee %}分派给您{% else %}分派给{{ ticket.group }}{% endif %}：{{ ticket.title }}",
            "{{ actor.name }} 已将工单 {{ ticket.number }}「{{ ticket.title }}」分派给{% if ticket.assignee %} {{ ticket.assignee }}{% else %}处理组 {{ ticket.group }}{% endif %}。\n"
            + "优先级 {{ ticket.priority }}，请求人 {{ ticket.requester }}。" + DueZh + "\n\n查看工单：{{ ticket.url }}"),
        [NotificationEvents.Resolved] = new(
            "[{{ ticket.number }}] 已解决：{{ ticket.title }}",
            "工单 {{ ticket.number }}「{{ ticket.title }}」已由 {{ actor.name }} 解决。\n如果问题仍未解决，请在工单中回复，工单将重新打开：{{ ticket.url }}"),
        [NotificationEvents.ApprovalNeeded] = new(
            "[{{ ticket.number }}] 待您审批：{{ ticket.title }}",
            "{{ ticket.requester }} 提交了 {{ ticket.number }}「{{ ticket.title }}」，需要您在「{{ approval.stage }}」阶段审批。\n"
            + "{% if approval.approve_url %}\n批准：{{ approval.approve_url }}\n拒绝：{{ approval.reject_url }}\n{% endif %}\n查看申请：{{ ticket.url }}"),
        [NotificationEvents.ApprovalApproved] = new(
            "[{{ ticket.number }}] 已批准：{{ ticket.title }}",
            "{{ actor.name }} 在「{{ approval.stage }}」阶段批准了 {{ ticket.number }}「{{ ticket.title }}」。"
            + "{% if approval.comment %}\n\n> {{ approval.comment }}{% endif %}\n\n查看进度：{{ ticket.url }}"),
        [NotificationEvents.ApprovalRejected] = new(
            "[{{ ticket.number }}] 已拒绝：{{ ticket.title }}",
            "您的申请 {{ ticket.number }}「{{ ticket.title }}」{% if approval.stage %}在「{{ approval.stage }}」阶段{% endif %}被拒绝。"
            + "{% if approval.comment %}\n\n原因：\n> {{ approval.comment }}{% endif %}\n\n查看申请：{{ ticket.url }}"),
        [NotificationEvents.ApprovalReminder] = new(
            "[{{ ticket.number }}] 提醒：有审批等待您处理",
            "{{ ticket.requester }} 的 {{ ticket.number }}「{{ ticket.title }}」仍在「{{ approval.stage }}」阶段等待您的审批。\n"
            + "{% if approval.approve_url %}\n批准：{{ approval.approve_url }}\n拒绝：{{ approval.reject_url }}\n{% endif %}\n查看申请：{{ ticket.url }}"),
        [NotificationEvents.TaskAssigned] = new(
            "[{{ ticket.number }}] 新任务：{{ task.title }}",
            "有一项任务等待{% if task.assignee %} {{ task.assignee }} {% else %}处理组 {{ task.group }} {% endif %}处理：「{{ task.title }}」（{{ ticket.number }}）。\n\n查看我的任务：{{ task.url }}"),
        [NotificationEvents.SurveyRequest] = new(
            "[{{ ticket.number }}] 请为本次服务评分",
            "工单 {{ ticket.number }}「{{ ticket.title }}」已解决。请花十秒钟告诉我们您是否满意：{{ ticket.survey_url }}"),
        [NotificationEvents.SlaWarning] = new(
            "[{{ ticket.number }}] SLA 预警：{{ ticket.title }}",
            "工单 {{ ticket.number }}「{{ ticket.title }}」的{{ sla.target }}时限为 {{ sla.due }}，即将超时。\n"
            + "优先级 {{ ticket.priority }}，处理人：{% if ticket.assignee %}{{ ticket.assignee }}{% else %}未分派{% endif %}。\n\n查看工单：{{ ticket.url }}"),
        [NotificationEvents.SlaBreach] = new(
            "[{{ ticket.number }}] SLA 已超时：{{ ticket.title }}",
            "工单 {{ ticket.number }}「{{ ticket.title }}」的{{ sla.target }}时限 {{ sla.due }} 已过，已超时。\n"
            + "优先级 {{ ticket.priority }}，处理人：{% if ticket.assignee %}{{ ticket.assignee }}{% else %}未分派{% endif %}。\n\n查看工单：{{ ticket.url }}"),
        [NotificationEvents.SlaEscalation] = new(
            "[{{ ticket.number }}] 已升级（第 {{ sla.level }} 级）：{{ ticket.title }}",
            "工单 {{ ticket.number }}「{{ ticket.title }}」已升级到第 {{ sla.level }} 级；其{{ sla.target }}时限为 {{ sla.due }}。\n\n查看工单：{{ ticket.url }}"),
    };
}
