using System.Globalization;
using Flowdesk.Localization;

namespace Flowdesk.Notifications;

/// <summary>
/// The template model: what a notification template may read. Built from plain values only; field names are the
/// documented placeholders (docs/notifications.md). Times are shown in the recipient's time zone.
/// </summary>
public static class TemplateModels
{
    public static readonly IReadOnlyDictionary<string, string[]> Placeholders = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["ticket"] = ["number", "title", "description", "state", "priority", "desk", "requester", "assignee", "group", "url", "survey_url",
            "resolution_due", "first_response_due"],
        ["recipient"] = ["name", "language"],
        ["actor"] = ["name"],
        ["comment"] = ["author", "excerpt"],
        ["approval"] = ["stage", "decision", "comment", "approver", "approve_url", "reject_url"],
        ["task"] = ["title", "group", "assignee", "url"],
        ["sla"] = ["target", "due", "level"],
        ["app"] = ["name", "url"],
    };

    /// <summary>An empty model with every documented node, so a template may test any placeholder for emptiness.</summary>
    public static ModelObject Empty()
    {
        var root = new ModelObject("");
        foreach (var (node, fields) in Placeholders)
        {
            var child = new ModelObject(node);
            foreach (var field in fields) child[field] = null;
            root[node] = child;
        }
        return root;
    }

    public static ModelObject Node(this ModelObject root, string name) => (ModelObject)root[name]!;

    /// <summary>A filled-in example for the preview and for checking templates when they are saved.</summary>
    public static ModelObject Sample(string language, NotificationOptions options)
    {
        var zh = Languages.IsChinese(language);
        var model = Empty();
        var ticket = model.Node("ticket");
        ticket["number"] = "IT-000123";
        ticket["title"] = zh ? "三楼打印机无法打印" : "Printer on 3F does not print";
        ticket["description"] = zh ? "从今天早上开始，三楼的打印机一直显示脱机。" : "Since this morning the printer on the third floor shows offline.";
        ticket["state"] = StateLabel("in_progress", language);
        ticket["priority"] = "P2";
        ticket["desk"] = zh ? "IT" : "IT";
        ticket["requester"] = zh ? "王芳" : "Alice Chen";
        ticket["assignee"] = zh ? "李伟" : "Li Wei";
        ticket["group"] = zh ? "服务台" : "Service desk";
        ticket["url"] = options.Url("/tickets/IT-000123");
        ticket["survey_url"] = options.Url("/tickets/IT-000123#survey");
        ticket["resolution_due"] = "2026-05-06 17:00 (Asia/Shanghai)";
        ticket["first_response_due"] = "2026-05-06 10:00 (Asia/Shanghai)";
        model.Node("recipient")["name"] = zh ? "张敏" : "Bob Zhang";
        model.Node("recipient")["language"] = Languages.Normalize(language);
        model.Node("actor")["name"] = zh ? "李伟" : "Li Wei";
        model.Node("comment")["author"] = zh ? "李伟" : "Li Wei";
        model.Node("comment")["excerpt"] = zh ? "已更换硒鼓，请再试一次。" : "I replaced the toner, please try again.";
        var approval = model.Node("approval");
        approval["stage"] = zh ? "经理审批" : "manager";
        approval["decision"] = zh ? "已批准" : "approved";
        approval["comment"] = zh ? "同意。" : "Fine by me.";
        approval["approver"] = zh ? "张敏" : "Bob Zhang";
        approval["approve_url"] = options.Url("/approvals/act?token=sample-approve");
        approval["reject_url"] = options.Url("/approvals/act?token=sample-reject");
        var task = model.Node("task");
        task["title"] = zh ? "准备笔记本电脑" : "Prepare laptop";
        task["group"] = zh ? "桌面支持" : "Desktop support";
        task["assignee"] = zh ? "李伟" : "Li Wei";
        task["url"] = options.Url("/console");
        model.Node("sla")["target"] = TargetLabel("resolution", language);
        model.Node("sla")["due"] = "2026-05-06 17:00 (Asia/Shanghai)";
        model.Node("sla")["level"] = 1;
        model.Node("app")["name"] = "Flowdesk";
        model.Node("app")["url"] = options.PublicUrl.TrimEnd('/');
        return model;
    }

    public static string When(DateTimeOffset? instant, string timeZone)
    {
        if (instant is not { } at) return "";
        TimeZoneInfo zone;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { zone = TimeZoneInfo.Utc; timeZone = "UTC"; }
        return TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + $" ({timeZone})";
    }

    public static string Excerpt(string? text, int max = 300)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= max ? flat : flat[..max].TrimEnd() + "…";
    }

    static readonly Dictionary<string, (string En, string Zh)> States = new(StringComparer.Ordinal)
    {
        ["new"] = ("new", "新建"),
        ["open"] = ("open", "处理中"),
        ["awaiting_approval"] = ("awaiting approval", "待审批"),
        ["in_progress"] = ("in progress", "处理中"),
        ["waiting_requester"] = ("waiting for the requester", "等待请求人"),
        ["waiting_third_party"] = ("waiting for a third party", "等待第三方"),
        ["on_hold"] = ("on hold", "挂起"),
        ["resolved"] = ("resolved", "已解决"),
        ["closed"] = ("closed", "已关闭"),
        ["rejected"] = ("rejected", "已拒绝"),
        ["cancelled"] = ("cancelled", "已取消"),
    };

    public static string StateLabel(string state, string language) =>
        States.TryGetValue(state, out var label) ? (Languages.IsChinese(language) ? label.Zh : label.En) : state.Replace('_', ' ');

    public static string TargetLabel(string? target, string language) => (target ?? "resolution") switch
    {
        "first_response" or "firstResponse" or "response" => Languages.IsChinese(language) ? "首次响应" : "first response",
        _ => Languages.IsChinese(language) ? "解决" : "resolution",
    };

    public static string DecisionLabel(Processes.ApprovalDecision decision, string language) => decision switch
    {
        Processes.ApprovalDecision.Approved => Languages.IsChinese(language) ? "已批准" : "approved",
        Processes.ApprovalDecision.Rejected => Languages.IsChinese(language) ? "已拒绝" : "rejected",
        Processes.ApprovalDecision.Cancelled => Languages.IsChinese(language) ? "已取消" : "cancelled",
        _ => Languages.IsChinese(language) ? "待审批" : "pending",
    };
}
