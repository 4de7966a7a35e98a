namespace Flowdesk.Bench.Generation;

/// <summary>Ticket and conversation text in zh-CN and en, assembled from small pools so it reads like a real desk.</summary>
public static class Texts
{
    public sealed record Topic(string Desk, string Category, string Service, string[] SubjectsZh, string[] SubjectsEn, string[] DetailsZh, string[] DetailsEn);

    public static readonly Topic[] Topics =
    [
        new("it", "hardware", "printing",
            ["{place}的打印机无法打印", "打印机卡纸，{place}", "彩色打印机提示碳粉不足", "扫描到邮箱功能失效"],
            ["Printer on {place} is not printing", "Paper jam in the {place} printer", "Colour printer says toner low", "Scan to e-mail stopped working"],
            ["打印任务一直停在队列中。", "重启打印机后问题依旧。", "同事的电脑也无法打印。"],
            ["Jobs stay in the queue.", "Restarting the printer did not help.", "Colleagues cannot print either."]),
        new("it", "network", "vpn",
            ["VPN 连接频繁断开", "在家无法连接公司 VPN", "{place}无线网络信号很差", "网口没有网络"],
            ["VPN keeps disconnecting", "Cannot connect to the VPN from home", "Wi-Fi is weak on {place}", "No network on the wall port"],
            ["错误提示为“身份验证失败”。", "大约每十分钟断开一次。", "手机热点下可以正常连接。"],
            ["The error says authentication failed.", "It drops about every ten minutes.", "It works over a phone hotspot."]),
        new("it", "access", "identity",
            ["密码过期无法登录", "账号被锁定", "申请 {system} 系统权限", "新员工开通邮箱和账号"],
            ["Password expired, cannot sign in", "Account locked out", "Access request for {system}", "Accounts and mailbox for a new starter"],
            ["已经尝试自助重置但没有收到短信。", "需要在周一之前开通。", "经理已经口头同意。"],
            ["Self-service reset sent no text message.", "Needed before Monday.", "My manager has agreed."]),
        new("it", "software", "desktop",
            ["{system} 打开后闪退", "Outlook 无法同步邮件", "申请安装 {system}", "电脑运行非常慢"],
            ["{system} crashes on start", "Outlook does not sync", "Please install {system}", "Laptop is very slow"],
            ["更新系统之后开始出现。", "事件查看器里有报错。", "影响到今天的客户演示。"],
            ["It started after the last update.", "The event log shows errors.", "It affects today's customer demo."]),
        new("it", "security", "security",
            ["收到可疑钓鱼邮件", "电脑提示发现病毒", "U 盘被禁用，需要例外"],
            ["Suspicious phishing e-mail received", "Antivirus reports a threat", "USB storage blocked, need an exception"],
            ["邮件要求点击链接验证工资单。", "我没有点击附件。"],
            ["It asks me to confirm my payslip via a link.", "I did not open the attachment."]),
        new("hr", "payroll", "payroll",
            ["工资条有疑问", "个税专项附加扣除如何填报", "加班费未发放"],
            ["Question about my payslip", "How to declare special tax deductions", "Overtime was not paid"],
            ["上个月的金额与考勤不符。", "请尽快回复，谢谢。"],
            ["Last month's amount does not match my attendance.", "Please reply soon, thanks."]),
        new("hr", "leave", "leave",
            ["年假余额不正确", "申请产假", "病假证明如何提交"],
            ["Annual leave balance is wrong", "Maternity leave request", "How to submit a sick note"],
            ["系统显示的天数比实际少两天。", "附件是医院证明。"],
            ["The system shows two days fewer than I have.", "The hospital note is attached."]),
        new("facilities", "workplace", "office",
            ["{place}空调温度过低", "会议室投影仪无法使用", "工位椅子损坏", "门禁卡失效"],
            ["Air conditioning too cold on {place}", "Meeting room projector not working", "Desk chair broken", "Access badge stopped working"],
            ["下午两点有重要会议。", "已经持续一周了。", "请安排人员检查。"],
            ["There is an important meeting at 2 pm.", "It has been like this for a week.", "Please send someone to check."]),
    ];

    static readonly string[] PlacesZh = ["3 楼东区", "5 楼", "上海办公室", "北京研发中心", "深圳仓库", "12 楼前台", "B 座 2 楼"];
    static readonly string[] PlacesEn = ["floor 3 east", "floor 5", "the Shanghai office", "the Beijing R&D centre", "the Shenzhen warehouse", "reception on 12", "building B level 2"];
    static readonly string[] Systems = ["SAP", "Salesforce", "Jira", "Confluence", "Teams", "企业微信", "钉钉", "Visio", "AutoCAD", "Power BI"];

    static readonly string[] RepliesZh =
    [
        "您好，已收到您的问题，正在处理。", "请问问题是从什么时候开始的？", "麻烦提供一下截图，谢谢。",
        "已远程处理，请再试一次。", "问题已解决，谢谢！", "还是不行，错误和之前一样。", "已转交二线支持。",
        "我们需要您的经理审批。", "配件已下单，预计三天到货。", "今天下午会有同事到现场。",
    ];
    static readonly string[] RepliesEn =
    [
        "Hello, we have your request and are working on it.", "When did this start?", "Could you send a screenshot, please?",
        "Fixed remotely, please try again.", "That solved it, thank you!", "Still failing with the same error.", "Passed to second-line support.",
        "We need your manager's approval.", "The part is ordered and arrives in three days.", "A colleague will come by this afternoon.",
    ];

    public static readonly string[] SearchTerms = ["打印机", "VPN", "password", "密码", "Outlook", "空调", "payslip", "钓鱼邮件", "projector", "年假"];

    public static string Fill(string template, Random random, bool chinese) => template
        .Replace("{place}", chinese ? Pick(PlacesZh, random) : Pick(PlacesEn, random), StringComparison.Ordinal)
        .Replace("{system}", Pick(Systems, random), StringComparison.Ordinal);

    public static string Subject(Topic topic, Random random, bool chinese) =>
        Fill(Pick(chinese ? topic.SubjectsZh : topic.SubjectsEn, random), random, chinese);

    public static string Description(Topic topic, string subject, Random random, bool chinese)
    {
        var details = chinese ? topic.DetailsZh : topic.DetailsEn;
        var count = 1 + random.Next(details.Length);
        var start = random.Next(details.Length);
        var parts = Enumerable.Range(0, count).Select(i => details[(start + i) % details.Length]);
        return chinese ? subject + "。" + string.Concat(parts) : subject + ". " + string.Join(" ", parts);
    }

    public static string Reply(Random random, bool chinese) => Pick(chinese ? RepliesZh : RepliesEn, random);

    public static T Pick<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];
}
