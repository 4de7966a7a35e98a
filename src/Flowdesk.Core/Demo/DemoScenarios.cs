using System.Text.Json.Nodes;
using Flowdesk.Tickets;

namespace Flowdesk.Demo;

/// <summary>Who writes a line of a demo conversation.</summary>
enum Speaker { Requester, Technician, InternalNote, Manager }

/// <summary>What a line does to the ticket's state: a question to the requester, a hand-off to a vendor, the fix.</summary>
enum Beat { None, Ask, Vendor, Fix, Cancel, Resume }

sealed record DemoLine(Speaker Speaker, string Text, Beat Beat = Beat.None);

/// <summary>
/// One realistic ticket story: subject, description and conversation with {placeholders} that
/// <see cref="DemoVariables"/> fills per ticket (floor, room, asset tag…) so no two tickets read the same.
/// </summary>
sealed record DemoScenario(
    string Desk, string Language, TicketKind Kind, string Group, string Category, string Service,
    Level Impact, Level Urgency, string Subject, string Description, IReadOnlyList<DemoLine> Lines)
{
    /// <summary>Custom field values (form fields of the process) built from the ticket's variables.</summary>
    public IReadOnlyList<(string Field, string Variable)> Fields { get; init; } = [];

    /// <summary>Relative frequency: outages are rarer than printer jams.</summary>
    public double Weight { get; init; } = 1;

    public bool IsChinese => Localization.Languages.IsChinese(Language);

    /// <summary>The requester's manager takes part (approves in the conversation or is named), so the requester is not the manager.</summary>
    public bool InvolvesManager =>
        Lines.Any(l => l.Speaker == Speaker.Manager) || Description.Contains("{manager}", StringComparison.Ordinal)
        || Lines.Any(l => l.Text.Contains("{manager}", StringComparison.Ordinal));

    public JsonObject? BuildFields(IReadOnlyDictionary<string, string> variables)
    {
        if (Fields.Count == 0) return null;
        var json = new JsonObject();
        foreach (var (field, variable) in Fields) json[field] = variables[variable];
        return json;
    }
}

/// <summary>The demo's ticket stories, about half in Chinese and half in English.</summary>
static class DemoScenarios
{
    const string Zh = Localization.Languages.Chinese;
    const string En = Localization.Languages.English;
    const TicketKind Incident = TicketKind.Incident;
    const TicketKind Request = TicketKind.Request;
    const Level Low = Level.Low, Medium = Level.Medium, High = Level.High;

    static DemoLine R(string text) => new(Speaker.Requester, text);
    static DemoLine T(string text) => new(Speaker.Technician, text);
    static DemoLine Ask(string text) => new(Speaker.Technician, text, Beat.Ask);
    static DemoLine Note(string text) => new(Speaker.InternalNote, text);
    static DemoLine Vendor(string text) => new(Speaker.InternalNote, text, Beat.Vendor);
    static DemoLine Fix(string text) => new(Speaker.Technician, text, Beat.Fix);
    static DemoLine M(string text) => new(Speaker.Manager, text);

    static DemoScenario It(string lang, TicketKind kind, string group, string category, string service, Level impact, Level urgency,
        string subject, string description, params DemoLine[] lines) =>
        new("it", lang, kind, group, category, service, impact, urgency, subject, description, lines);

    static DemoScenario Fac(string lang, TicketKind kind, string category, string service, Level impact, Level urgency,
        string subject, string description, params DemoLine[] lines) =>
        new("facilities", lang, kind, "facilities-ops", category, service, impact, urgency, subject, description, lines);

    static DemoScenario Hr(string lang, TicketKind kind, string category, string service, Level impact, Level urgency,
        string subject, string description, params DemoLine[] lines) =>
        new("hr", lang, kind, "hr-ops", category, service, impact, urgency, subject, description, lines);

    public static readonly IReadOnlyList<DemoScenario> All =
    [
        // ───────────── IT, 中文 ─────────────
        It(Zh, Incident, "it-desktop", "hardware", "printing", Medium, Medium,
            "{floor} 打印机无法连接",
            "{floor} 茶水间旁边那台打印机（{printer}）从今天上午开始就打不了了，电脑上显示“脱机”，重启电脑也没用。下午要打合同，比较急，麻烦帮忙看一下。",
            Ask("您好，我这边 ping 打印机是通的。麻烦您先在“设置 - 打印机和扫描仪”里把 {printer} 删除，再重新添加一次试试？"),
            R("删了重新加还是不行，添加的时候一直在转圈。"),
            Note("打印服务器 PRT01 上 {printer} 队列里卡着 {n2} 个任务，清空后重启了 Spooler 服务。"),
            Fix("已经清理了打印服务器上卡住的队列，您再打一下试试，应该可以了。如果还不行直接回复我。"),
            R("可以了，谢谢李工！")) with { Fields = [("printer_id", "printer"), ("floor", "floor")], Weight = 1.4 },

        It(Zh, Incident, "it-network", "network", "vpn", Medium, Medium,
            "VPN 老是断线",
            "在{site}用 VPN 连公司网络，大概每隔十几分钟就自动断开一次，重连之后又能用一会儿。报错是“{vpnerr}”。今天要远程给客户演示，麻烦尽快看看。",
            Ask("您好，请问您用的是家里宽带还是手机热点？方便的话把 VPN 客户端的日志（帮助 → 导出日志）发我一下。"),
            R("用的宽带，日志已经放在附件里了。"),
            Note("日志显示 DPD 超时，客户端版本 4.9，属于已知问题，升级到 5.1 可以解决。"),
            Fix("您的 VPN 客户端版本比较旧，我已经通过软件中心推送了新版本，安装后重启电脑再连接试试。"),
            R("升级后一下午都没断过，谢谢。")) with { Weight = 1.3 },

        It(Zh, Request, "service-desk", "email", "mailbox", Low, Medium,
            "邮箱满了，发不出邮件",
            "Outlook 一直提示邮箱已满（{mbsize} GB / 50 GB），现在发不出邮件了。能不能帮忙扩容一下？",
            T("您好，邮箱容量上限是 50GB，暂时不能单独扩容。建议开通“在线存档”，把一年以前的邮件自动归档过去，我这边可以帮您开通。"),
            R("好的，麻烦帮我开通一下。"),
            Note("已在 Exchange 管理中心为该用户启用在线存档，保留策略：365 天后移至存档。"),
            Fix("在线存档已经开通了，归档策略会在 24 小时内开始生效，之后邮箱空间会慢慢释放出来。")) with { Weight = 1.2 },

        It(Zh, Request, "it-desktop", "hardware", "laptop", Medium, Medium,
            "新员工电脑准备（{newhire}）",
            "下周{weekday}部门有新同事 {newhire} 入职，岗位是{role}，麻烦准备一台笔记本和一台显示器，另外开通邮箱和 VPN。经理{manager}已经同意。",
            Ask("收到。请问新同事用 Windows 还是 Mac？需不需要预装特定的开发软件？"),
            R("Windows 就可以，装好 Office 和钉钉，其他的入职后再说。"),
            Note("已从库存分配 {asset}（ThinkPad T14 Gen 4），正在装机，账号已在 AD 创建。"),
            Fix("电脑 {asset} 已经准备好了，账号和初始密码会在入职当天短信发给新同事，电脑放在 {floor} IT 服务台，入职当天直接来领就行。")) with
        { Fields = [("new_hire", "newhire"), ("start_date", "startdate"), ("asset_tag", "asset")] },

        It(Zh, Incident, "it-desktop", "hardware", "laptop", High, Medium,
            "笔记本开机蓝屏",
            "我的笔记本（资产编号 {asset}）今天早上开机就蓝屏，提示 CRITICAL_PROCESS_DIED，重启好几次都一样。电脑里有明天要交的材料，很急！",
            T("您好，先不要反复重启了，可以把电脑带到 {floor} IT 服务台吗？我们先帮您把数据导出来。"),
            R("好的，我十分钟后过去。"),
            Vendor("硬盘 SMART 检测有坏道，数据已备份到临时盘。已联系联想售后（服务单号 {case}），备件{weekday}到。"),
            Fix("硬盘已经换好并重装了系统，您的文件恢复在桌面的“备份”文件夹里，可以来服务台取电脑了。"),
            R("收到，文件都在，太感谢了！")) with { Fields = [("asset_tag", "asset")] },

        It(Zh, Incident, "service-desk", "software", "collaboration", Medium, Medium,
            "钉钉电脑端登录不上",
            "钉钉电脑端一直提示“网络异常，请检查网络设置”，手机上是好的，旁边同事的电脑也正常。",
            Ask("请问您有没有开代理软件或者其他加速器？可以先全部退出再试一下。"),
            R("没开代理，VPN 断开后也一样。"),
            Note("远程查看：hosts 文件被某个游戏加速工具改过，钉钉域名指向了 127.0.0.1，已还原。"),
            Fix("远程看了一下，是电脑的 hosts 文件被修改了，已经恢复，现在钉钉可以正常登录了。")),

        It(Zh, Incident, "it-identity", "access", "identity", Medium, Medium,
            "域账号被锁定",
            "早上登录电脑提示“引用的账户当前已锁定”，我最近没改过密码，不知道怎么回事。",
            Note("查 AD：账号 {time} 被锁，来源是 EXCH01，旧手机上的邮件客户端一直在用旧密码重试，5 次错误后锁定。"),
            Fix("您好，已经帮您解锁了。锁定的原因是您手机上的邮箱还在用旧密码，请在手机邮件 App 里更新一下密码，不然还会被锁。"),
            R("原来如此，手机上已经改好了，谢谢。")) with { Weight = 1.3 },

        It(Zh, Request, "it-desktop", "software", "software-install", Low, Low,
            "申请安装 {app}",
            "工作需要用到 {app}，麻烦帮忙安装一下，电脑资产号 {asset}。{manager}已经同意了。",
            T("您好，{app} 需要正版授权，我先确认一下公司还有没有剩余的许可证。"),
            Note("{app} 许可证还剩 {n} 个，已分配给该用户。"),
            Fix("已经通过软件中心推送安装，大约 10 分钟后在开始菜单里就能看到了。"),
            R("装好了，能用了，谢谢！")) with { Fields = [("software", "app"), ("asset_tag", "asset")], Weight = 1.2 },

        It(Zh, Incident, "it-network", "network", "wifi", High, Medium,
            "{floor} 无线网很慢，视频会议卡",
            "{floor} 靠窗那一片的无线网特别慢，还经常掉线，视频会议一直卡。这一片好几个同事都是这样。",
            Ask("收到，请问具体是哪个工位区域？大概从什么时候开始的？"),
            R("{floor} {seat} 附近，这周一开始的。"),
            Note("AP-{floor}-03 信道干扰严重，且该 AP 三天内异常重启 {n} 次，已改信道并升级固件。"),
            Fix("已经调整了这一片无线 AP 的信道，并升级了固件，麻烦您再观察一下，有问题随时联系我。")) with { Fields = [("floor", "floor")] },

        It(Zh, Request, "it-identity", "access", "file-share", Low, Medium,
            "申请共享盘 {share} 的读写权限",
            "做季度报表需要共享盘 \\\\fs01\\{share} 的读写权限，麻烦开通一下。",
            T("您好，共享盘权限需要部门负责人审批，我已经把审批发给{manager}了。"),
            M("同意，季度结账要用。"),
            Note("审批已通过，已加入 AD 组 FS-{share}-RW。"),
            Fix("权限已经开通了，需要注销后重新登录一次电脑才能生效。")) with { Fields = [("share", "share")] },

        It(Zh, Incident, "it-security", "security", "email-security", Medium, Medium,
            "收到可疑邮件，是不是钓鱼邮件？",
            "收到一封自称“财务部”的邮件，让点链接下载“{month}工资调整通知”，发件地址看起来不太对，我没有点。是不是钓鱼邮件？",
            T("感谢您的报告！这确实是钓鱼邮件，请不要点击链接，直接删除就可以。"),
            Note("同批次邮件共投递 {n2}0 封，已在邮件网关拦截该发件域名，并从所有邮箱中清除。暂未发现有人点击。"),
            Fix("我们已经把这批邮件从全公司邮箱里删除，并封禁了发件域名。再次感谢您的警惕！")),

        It(Zh, Incident, "it-desktop", "hardware", "peripherals", Low, Medium,
            "扩展坞接显示器没信号",
            "扩展坞接上以后外接显示器没有信号，笔记本自己的屏幕是好的。换了根线也不行。",
            Ask("请问扩展坞是什么型号的？方便的话拍张接口的照片发我。"),
            R("是公司发的 Dell WD19，照片在附件里。"),
            Note("扩展坞固件 01.00.14 过旧，升级后仍不稳定，直接换新。"),
            Fix("给您换了一个新的扩展坞，已经放在您工位上了（{floor} {seat}），请试一下。"),
            R("好了，双屏正常了。")),

        It(Zh, Request, "service-desk", "email", "mobile", Low, Low,
            "新手机怎么收公司邮件",
            "刚换了新手机，怎么在手机上收公司邮件？",
            T("您好，请在应用商店下载 Outlook，用公司邮箱地址登录，按提示完成多因素验证就可以了。图文步骤见附件。"),
            R("登录的时候提示“您的组织不允许此设备”。"),
            Note("Intune 中该用户设备注册数已达上限（5 台），删除了两台 2021 年的旧设备。"),
            Fix("已经清理了您名下的旧设备，现在再登录一下应该就可以了。")),

        It(Zh, Incident, "it-identity", "access", "mfa", Medium, Medium,
            "换手机后 MFA 验证码没了，登不上 Office 365",
            "换了新手机，Authenticator 里的验证码都没了，现在登不了 Office 365，邮件也看不了。",
            Ask("为了安全需要先核实一下身份，请带工牌到 {floor} IT 服务台，或者让您的经理在工单里确认一下。"),
            R("我下午三点过去。"),
            Note("已现场核验工牌，重置 MFA 注册信息。"),
            Fix("已经重置了您的多因素认证，请用新手机重新扫码绑定。")),

        It(Zh, Incident, "it-network", "network", "lan", High, High,
            "{floor} 整层断网",
            "{floor} 整层有线网络都断了，无线也连不上内网，大家都没法工作，麻烦紧急处理！",
            T("收到，网络组已经在排查了。"),
            Note("{floor} 接入交换机 SW-{floor}-01 电源模块故障，已切换到备用电源，同时报修厂商（{case}）。"),
            Fix("网络已经恢复了，原因是楼层交换机电源故障，已临时切换到备用电源，厂商明天来更换。给大家带来不便，抱歉。"),
            R("恢复了，谢谢！")) with { Weight = 0.35 },

        It(Zh, Incident, "service-desk", "software", "erp", High, High,
            "财务系统打不开，月底关账受影响",
            "今天上午开始财务系统（用友）登录后一直白屏，整个财务部都打不开，今天是月底关账，很急！",
            T("收到，已经在紧急处理，应用组也在看了。"),
            Note("应用服务器 ERP-APP02 磁盘 100%，日志没有轮转。已清理日志并重启服务，同时加了磁盘告警。"),
            Fix("系统已经恢复，原因是服务器磁盘被日志占满。已经清理并加了监控，麻烦确认一下是否可以正常使用。"),
            R("可以了，已经通知财务部同事。")) with { Weight = 0.35 },

        // ───────────── IT, English ─────────────
        It(En, Incident, "it-desktop", "hardware", "laptop", Medium, Medium,
            "Laptop screen flickering",
            "My laptop screen ({asset}) started flickering this morning, especially when I move the lid. The external monitor works fine. Could someone take a look?",
            Ask("Hi {first}, thanks for reporting. Does it also flicker on the boot screen, or only once Windows has loaded?"),
            R("It flickers on the boot screen too."),
            Vendor("Likely a loose eDP cable at the hinge. Lenovo on-site case {case} opened, part ETA {weekday}."),
            Fix("The Lenovo engineer replaced the display cable this afternoon. Please check and let us know if the flicker comes back."),
            R("All good now, thank you!")) with { Fields = [("asset_tag", "asset")], Weight = 1.3 },

        It(En, Incident, "it-identity", "access", "sharepoint", Medium, Medium,
            "Cannot access SharePoint site {share}",
            "I get \"Access denied\" when opening the {share} SharePoint site. I could open it last week. I need the Q{q} files for a meeting at 3pm today.",
            Note("User was removed from SP-{share}-Members by the quarterly access review (manager did not confirm in time)."),
            Ask("Hi {first}, your access was removed during the quarterly access review. Do you still need it? If so, I'll ask {manager} to re-approve."),
            R("Yes, I still need it — {manager} already said OK on Teams."),
            M("Approved. {first} works on the Q{q} numbers."),
            Fix("Access restored after {manager}'s approval. It can take up to 15 minutes to apply, then refresh the page.")) with { Weight = 1.3 },

        It(En, Incident, "service-desk", "access", "identity", Medium, Medium,
            "Password expired while travelling",
            "My Windows password expired while I was at the {site} and now I can't log in to VPN to change it.",
            Note("Verified identity by calling back the mobile number on file. Reset done, 'change at next logon' set."),
            Fix("Hi {first}, I've sent a temporary password to your registered mobile number. Log in with it and you'll be asked to set a new one."),
            R("Got it, I'm in. Thanks for the quick help.")) with { Weight = 1.3 },

        It(En, Incident, "service-desk", "email", "outlook", Medium, Medium,
            "Outlook crashes when opening the calendar",
            "Outlook crashes every time I open the calendar. I've already restarted twice. Mail works, it's only the calendar.",
            Ask("Could you start Outlook in safe mode (hold Ctrl while opening it) and tell me whether the calendar opens there?"),
            R("In safe mode the calendar opens fine."),
            Note("Faulty add-in: outdated Zoom plugin 5.4. Removed it over a remote session, installed the current version."),
            Fix("The crash came from an outdated Zoom add-in. I removed it and installed the current one — the calendar should open normally now.")),

        It(En, Incident, "it-network", "network", "vpn", High, Medium,
            "VPN extremely slow from {site}",
            "VPN connects, but everything is extremely slow from the {site} — the file share takes minutes to open and Teams calls drop.",
            Ask("Which VPN gateway are you connected to? You can see it under Settings > Connection in the client."),
            R("It says sh-gw-02."),
            Vendor("sh-gw-02 at 92% CPU since this morning; moved {n2}0 sessions to gw-03. Opened case {case} with the firewall vendor."),
            Fix("We balanced the load across the gateways; speeds should be back to normal. Please disconnect and reconnect once.")),

        It(En, Request, "it-desktop", "hardware", "peripherals", Low, Low,
            "Second monitor for my desk",
            "Could I get a second monitor for my desk at {floor}-{seat}? I'm doing a lot of spreadsheet work these days.",
            T("Sure — we have 27\" Dell monitors in stock. It needs your manager's OK; I've sent the approval to {manager}."),
            M("Approved."),
            Note("Allocated MON-{asset} from stock, delivery with the afternoon round."),
            Fix("The monitor is set up at your desk, cable and stand included. Enjoy!")) with { Fields = [("floor", "floor"), ("desk", "seat")] },

        It(En, Incident, "service-desk", "software", "collaboration", Medium, Medium,
            "Nobody can hear me in Teams calls",
            "In Teams calls nobody can hear me, although the microphone works in other apps.",
            Ask("Could you check Teams > Settings > Devices to see which microphone is selected? Sometimes it picks the docking station."),
            R("It was set to the dock. I switched to the headset, still nothing."),
            Note("Windows privacy setting blocked microphone access for desktop apps after the latest cumulative update."),
            Fix("The Windows update had turned off microphone access for desktop apps. I re-enabled it remotely — please try a test call."),
            R("Works now, thanks a lot.")) with { Weight = 1.2 },

        It(En, Incident, "it-desktop", "software", "software-install", Low, Medium,
            "Acrobat says my licence has expired",
            "Adobe Acrobat shows \"Your licence has expired\" when I try to edit a PDF. I need to sign contracts this week.",
            Note("Named licences since last month; this user was not in the migration list. Assigned one of the {n} spare seats."),
            Fix("We moved to named licences last month and you were missing from the list — sorry. I've assigned you one; sign out of Acrobat and sign in with your company account."),
            R("Done, it works.")),

        It(En, Incident, "it-security", "security", "identity", High, High,
            "Sign-in alert from {country} — was this me?",
            "I got an email saying someone signed in to my account from {country}. I'm in Shanghai. I did not do this.",
            Note("Sign-in logs: successful password login from {ip2} ({country}), MFA denied by user. Password is compromised."),
            T("We've blocked the sign-in, revoked all sessions and forced a password reset. Please set a new password now and don't reuse an old one."),
            R("Done. I may have used the same password on a travel booking site…"),
            Note("No mailbox rules created, no data access in the audit log. Added to watch list for 30 days."),
            Fix("Thanks for the quick response. Your account is secure again; we'll keep an eye on it for the next 30 days.")) with { Weight = 0.4 },

        It(En, Request, "it-identity", "access", "dev-tools", Low, Medium,
            "Jira access for project {project}",
            "Please give me access to the {project} project in Jira — I'm joining the team from next week.",
            Ask("Hi {first}, do you need developer or reporter access?"),
            R("Reporter is enough for now."),
            Fix("Done — you've been added as Reporter to {project}. Log out and back in if you don't see it.")) with { Fields = [("project", "project")] },

        It(En, Request, "service-desk", "email", "mailbox", Low, Low,
            "New mailing list for the {team} team",
            "Please create a mailing list for the {team} team ({n2} members, list attached). Owner should be me.",
            T("Thanks. What address would you like? Something like {teammail}@flowdesk.example?"),
            R("That's perfect."),
            Note("Distribution group created in Exchange Online, external senders blocked."),
            Fix("{teammail}@flowdesk.example is live with all {n2} members; you are the owner and can add people yourself in Outlook.")) with { Weight = 0.8 },

        It(En, Request, "it-network", "network", "wifi", Low, Medium,
            "Guest Wi-Fi for visitors on {weekday}",
            "We have visitors from a partner on {weekday} — could we get guest Wi-Fi for {n2} people for two days?",
            Note("Vouchers generated on the wireless controller, batch GUEST-{case}, 48 h validity."),
            Fix("Guest vouchers are ready, valid for 48 hours from first use. I've sent them to you in a separate email."),
            R("Perfect, thanks.")) with { Weight = 0.8 },

        It(En, Incident, "it-desktop", "hardware", "laptop", Low, Medium,
            "Laptop very slow, C: drive almost full",
            "My laptop ({asset}) has become really slow, the fan is always on and the C: drive shows only 2 GB free.",
            Ask("Could I take a remote session to have a look? When would suit you?"),
            R("Sure, I'm free after 2pm."),
            Note("38 GB in WinSxS and an old OneDrive cache; cleaned up. Defender full scan clean. 16 GB RAM is fine."),
            Fix("I freed about 40 GB and removed some start-up apps. Please restart once; it should feel much faster now.")) with { Fields = [("asset_tag", "asset")] },

        It(En, Incident, "it-desktop", "hardware", "printing", Low, Medium,
            "Scan to email not arriving ({printer})",
            "The multifunction printer on {floor} ({printer}) scans fine but the email never arrives in my inbox, not even in junk.",
            Note("SMTP relay rejects the printer since the certificate renewal; added the printer's IP {ip} to the relay allow list."),
            Fix("The mail relay was rejecting the printer after a certificate change. Fixed — please scan a test page."),
            R("Arrived straight away, thanks.")) with { Fields = [("printer_id", "printer")] },

        It(En, Incident, "it-network", "network", "lan", High, High,
            "Email and Teams down for the whole {floor}",
            "Nobody on {floor} can reach email or Teams since about 10 minutes ago. Internet pages load slowly too.",
            T("We're on it — the network team sees the issue as well."),
            Note("Core switch uplink flapping after a config push. Rolled back change, opened problem record."),
            Fix("Service is restored. A configuration change on the core switch caused it and has been rolled back. Sorry for the disruption."),
            R("Confirmed, everything works again.")) with { Weight = 0.35 },

        // ───────────── Facilities, 中文 ─────────────
        Fac(Zh, Incident, "meeting-rooms", "av-equipment", Medium, Medium,
            "{room} 投影仪坏了",
            "{room} 的投影仪开机后一直闪，投出来的画面发紫。明天上午有客户来开会，麻烦尽快处理一下。",
            T("收到，我下午过去看一下。"),
            Vendor("投影仪灯泡寿命到了，已向供应商下单（订单 {case}），对方说{weekday}到货。"),
            Fix("新灯泡已经换好，画面正常了。明天开会前我再去检查一遍。"),
            R("太好了，谢谢王师傅！")) with { Fields = [("room", "room")], Weight = 1.3 },

        Fac(Zh, Incident, "workplace", "hvac", Low, Medium,
            "{floor} 空调太冷了",
            "{floor} {seat} 附近空调出风口正对着座位吹，特别冷，室温大概只有 {cold} 度，好几个同事都穿着羽绒服上班了。",
            Ask("请问具体是哪一排工位？我带温度计过去量一下。"),
            R("靠近电梯那一排，{seat} 到 {seat2}。"),
            Note("实测 {cold}℃，出风口百叶角度不对，已调整并加装导风板；已请物业把该区域设定温度调到 24℃。"),
            Fix("出风口的角度已经调过了，也装了挡风板，您感觉一下现在怎么样？"),
            R("暖和多了，谢谢！")) with { Fields = [("floor", "floor")], Weight = 1.3 },

        Fac(Zh, Incident, "repairs", "plumbing", Low, Low,
            "{floor} 卫生间水龙头一直滴水",
            "{floor} 女卫生间最里面的水龙头一直在滴水，怎么拧都关不紧。",
            T("好的，已经安排物业维修了。"),
            Note("物业工单 WY-{case}，需要更换阀芯，库存有。"),
            Fix("已经换了新的阀芯，不漏水了。")),

        Fac(Zh, Request, "meeting-rooms", "events", Low, Medium,
            "季度会议借用 {room}，需要话筒和茶歇",
            "下周{weekday}下午部门开季度会，大概 {n2}0 人，需要借用 {room}，另外需要两个无线话筒和茶歇。",
            Ask("好的。茶歇大概几点？需要准备些什么？"),
            R("三点半左右，咖啡和水果就行。"),
            Fix("会议室已经预订好了，话筒和茶歇也安排好了，当天下午一点会有同事去布场。"),
            R("收到，谢谢！")) with { Fields = [("room", "room"), ("attendees", "people")] },

        Fac(Zh, Request, "workplace", "moves", Low, Medium,
            "团队工位搬迁：{floor} → {floor2}",
            "团队调整，我和另外 {n} 位同事需要从 {floor} 搬到 {floor2}，下周五前能搬吗？",
            Ask("可以的，麻烦把需要搬的人员名单和新工位号发给我。"),
            R("名单放在附件里了。"),
            Note("已预约搬家公司周五 18:00，并通知 IT 同步迁移网口和电话分机。"),
            Fix("已经安排好了，周五下班后搬。请大家提前把个人物品装箱，纸箱明天发到各自工位上。")) with
        { Fields = [("from_floor", "floor"), ("to_floor", "floor2")], Weight = 0.8 },

        Fac(Zh, Incident, "workplace", "access-control", Medium, Medium,
            "门禁卡刷不开 {floor} 的门",
            "今天早上门禁卡刷不开 {floor} 的门了，电梯也刷不了，只能等同事帮开门。",
            Ask("请把卡号（卡背面的数字）发我一下。"),
            R("卡号是 {badge}。"),
            Note("门禁系统里该卡的 {floor} 权限组丢失（上周批量导入时被覆盖），已重新授权。同批次还有 {n} 张卡，一并处理。"),
            Fix("已经重新开通了权限，您再刷一下试试。"),
            R("可以了，谢谢。")) with { Fields = [("badge_no", "badge")] },

        Fac(Zh, Incident, "repairs", "electrical", Medium, Medium,
            "{room} 灯一直闪",
            "{room} 天花板上有两根灯管一直在闪，开会的时候眼睛很难受。",
            T("好的，明天早上上班前处理。"),
            Fix("灯管和镇流器都换掉了，现在正常了。")) with { Fields = [("room", "room")] },

        // ───────────── Facilities, English ─────────────
        Fac(En, Incident, "workplace", "access-control", Low, High,
            "Badge not working",
            "My badge stopped working this morning on the {floor} door and at the car park gate. Badge no. {badge}.",
            Note("Badge expiry in the access system was set to the old contract end date (wrong date from the HR import). Extended to match the contract."),
            Fix("Your badge had an incorrect expiry date in the system. Fixed — it should work at all doors now."),
            R("Works, thanks!")) with { Fields = [("badge_no", "badge")], Weight = 1.3 },

        Fac(En, Incident, "meeting-rooms", "av-equipment", Medium, Medium,
            "TV in {room} doesn't detect HDMI",
            "The TV in {room} doesn't detect any HDMI input — tried two laptops and both cables on the table.",
            Ask("Thanks. Is the TV showing 'No signal', or is the screen completely black?"),
            R("It says 'No signal' on HDMI 1 and 2."),
            Vendor("HDMI switcher under the table is dead. Replacement ordered from the AV vendor, case {case}, ETA {weekday}."),
            Fix("The HDMI switcher has been replaced and tested with a Windows laptop and a MacBook. The room is good to go.")) with { Fields = [("room", "room")] },

        Fac(En, Request, "repairs", "furniture", Low, Low,
            "Broken chair at {floor}-{seat}",
            "My chair at {floor}-{seat} is broken — the height lever doesn't work and it slowly sinks during the day.",
            T("Thanks, we'll swap it with one from storage tomorrow morning."),
            Fix("A new chair is at your desk; the old one went back to the supplier for repair."),
            R("Much better, thank you.")) with { Fields = [("floor", "floor"), ("desk", "seat")] },

        Fac(En, Incident, "workplace", "hvac", Low, Medium,
            "Too hot on {floor} west side in the afternoon",
            "The west side of {floor} gets up to {hot}°C in the afternoon, the sun comes straight in and the aircon can't keep up.",
            Note("Building management confirmed the VAV box on the west zone is stuck at 30%. Their technician comes on {weekday}."),
            T("Building management is sending a technician on {weekday}. Meanwhile we've put two portable fans near {seat}."),
            Fix("The air valve on the west side was repaired; it held 24°C all afternoon today. Let us know if it gets warm again.")) with { Fields = [("floor", "floor")] },

        Fac(En, Request, "workplace", "ergonomics", Low, Low,
            "Standing desk request",
            "My physiotherapist recommended a standing desk (note attached). Is that possible at {floor}-{seat}?",
            T("Yes — we have a few electric desks in stock. {manager} needs to confirm the move of the old desk."),
            M("Fine with me."),
            Fix("The standing desk is installed at {floor}-{seat}. The controller is on the right; the memory buttons are 1-3.")) with { Weight = 0.7 },

        Fac(En, Incident, "repairs", "plumbing", High, Medium,
            "Water leaking from ceiling in {room}",
            "There's water dripping from the ceiling in {room}, right above the table. We moved the laptops away.",
            T("On our way. Please keep the room closed for now."),
            Note("Leak from the AC condensate pipe above the ceiling tile; building management fixed the joint, ceiling tile replaced."),
            Fix("The pipe above the ceiling has been repaired and the damaged ceiling tile replaced. The room is open again.")) with { Fields = [("room", "room")], Weight = 0.5 },

        // ───────────── HR, 中文 ─────────────
        Hr(Zh, Request, "payroll", "payslip", Medium, Medium,
            "{month}工资条加班费有误",
            "{month}的工资条里加班费好像没算进去，我{month}周末加了 {n} 天班，都在系统里审批过了。",
            T("您好，我先核对一下考勤和加班审批记录，稍后回复您。"),
            Note("考勤导出时漏掉了该员工的周末加班：审批在关账日之后才通过。需在下月工资补发 {amount} 元。"),
            Fix("核实了，您的 {n} 天加班因为审批时间晚于关账日没有计入，会在下个月工资里一起补发，金额 {amount} 元。"),
            R("好的，明白了，谢谢张老师。")) with { Weight = 1.3 },

        Hr(Zh, Request, "certificates", "employment-certificate", Low, Medium,
            "开具在职证明（签证用）",
            "因为办理签证需要，麻烦开一份中英文在职证明，需要注明职位和入职时间，{weekday}前要用。",
            Ask("好的。请问需要写收入吗？"),
            R("需要写月收入，谢谢。"),
            Fix("在职证明已经盖好章了，放在 HR 前台，可以随时来取，电子扫描件也发到您邮箱了。")) with
        { Fields = [("purpose", "purpose"), ("language", "certlang")], Weight = 1.3 },

        Hr(Zh, Request, "leave", "annual-leave", Low, Low,
            "年假余额好像不对",
            "系统里显示我今年年假只剩 {n} 天，但我记得去年还有 3 天结转，麻烦帮忙核对一下。",
            T("您好，我查一下您的假期记录。"),
            Note("结转年假 3 月 31 日前未使用即作废；员工 1 月已使用 1 天，其余 2 天已过期。系统数据正确。"),
            Fix("去年结转的年假需要在 3 月 31 日前用完，逾期作废，所以系统显示是正确的。具体规则见员工手册第 5 章。"),
            R("好的，了解了。")),

        Hr(Zh, Request, "payroll", "social-insurance", Medium, Low,
            "公积金扣款金额不对",
            "这个月公积金扣款比上个月多了不少，是调整基数了吗？之前没收到通知。",
            Fix("您好，每年 7 月会按上一年度月平均工资调整社保和公积金基数，全员统一调整，通知邮件在 6 月底发过。调整明细已发到您邮箱。"),
            R("找到那封邮件了，谢谢。")),

        Hr(Zh, Request, "onboarding", "new-hire", Medium, Medium,
            "新员工 {newhire} 入职安排",
            "新同事 {newhire} {startdate}入职，岗位{role}，麻烦安排入职手续、合同和新员工培训。",
            Ask("收到。请问新同事的汇报对象和工位确定了吗？"),
            R("汇报给我，工位在 {floor} {seat}。"),
            Note("合同已准备，入职培训安排在入职当周周四；已通知 IT 准备电脑、行政准备工牌。"),
            Fix("入职手续都安排好了：当天上午 9:30 到 HR 签合同，周四参加新员工培训，电脑和工牌会在当天准备好。")) with
        { Fields = [("new_hire", "newhire"), ("start_date", "startdate")] },

        Hr(Zh, Request, "certificates", "residence-permit", Low, Low,
            "居住证积分需要社保缴纳证明",
            "办居住证积分需要单位出具社保缴纳证明和劳动合同复印件，请问怎么申请？",
            T("您好，社保缴纳记录可以在“随申办”上自行打印，劳动合同复印件我这边准备好后盖章给您。"),
            Fix("劳动合同复印件已盖章，放在 HR 前台的文件柜里了，请带工牌来取。")) with { Weight = 0.7 },

        // ───────────── HR, English ─────────────
        Hr(En, Request, "payroll", "payslip", Medium, Medium,
            "Unknown deduction on my {month} payslip",
            "My {month} payslip shows a deduction called \"ADJ-02\" ({amount} CNY) that I don't recognise. Could you explain?",
            T("Hi {first}, let me check with the payroll provider and come back to you."),
            Note("ADJ-02 = recovery of the duplicate meal allowance paid in the previous month (payroll provider error)."),
            Fix("ADJ-02 recovers a meal allowance that was paid twice last month by mistake. Your net pay over the two months is correct. Sorry for the confusion!"),
            R("Makes sense, thanks for checking.")) with { Weight = 1.2 },

        Hr(En, Request, "certificates", "employment-certificate", Low, Medium,
            "Employment verification letter for the bank",
            "I need an employment verification letter for a mortgage application, in English, stating my position, start date and salary.",
            Ask("Of course. Should the letter be addressed to a specific bank, or 'To whom it may concern'?"),
            R("To whom it may concern is fine."),
            Fix("The signed and stamped letter is at the HR reception; a scan has been sent to your email.")) with
        { Fields = [("purpose", "purposeEn")], Weight = 1.2 },

        Hr(En, Request, "leave", "parental-leave", Medium, Low,
            "Parental leave — how do I apply?",
            "My partner is due in {duemonth}. How much paternity leave do I have and how do I apply?",
            T("Congratulations! You're entitled to 10 working days of paternity leave under Shanghai regulations, plus the company's extra 5 days."),
            R("Great. Can I split it into two parts?"),
            Fix("Yes, you can take it in up to two blocks within six months of the birth. Apply in the HR system under Leave > Paternity and attach the birth certificate afterwards.")),

        Hr(En, Request, "onboarding", "new-hire", Medium, Medium,
            "Onboarding for {newhire}",
            "{newhire} joins my team as {role} on {startdate}. Please prepare the contract and onboarding schedule.",
            Note("Contract drafted from the offer letter; background check completed. IT and facilities notified."),
            T("The contract is ready for signature. Orientation is on the first Thursday; I've added you to the invitation as the hiring manager."),
            Fix("Everything is set for {newhire}: contract signed digitally, orientation booked, laptop and badge requested.")) with
        { Fields = [("new_hire", "newhire"), ("start_date", "startdate")] },

        Hr(En, Request, "payroll", "bank-account", Medium, Medium,
            "Change of salary bank account",
            "I've opened a new account with a different bank. Please pay my salary there from next month (details attached).",
            Ask("Thanks. For security I need you to confirm the change in person or by signing the attached form. Which do you prefer?"),
            R("Signed form attached."),
            Note("Signature checked against the contract; bank details updated in the payroll system, effective next payroll run."),
            Fix("Your new bank account is registered and will be used from the next salary payment.")),
    ];

    // Generic lines for the few tickets whose state needs a beat their story lacks.
    public static DemoLine GenericAsk(bool zh) => new(Speaker.Technician, zh
        ? "您好，为了进一步排查，麻烦补充一下报错截图和大概开始出现的时间，谢谢。"
        : "Hi {first}, could you send a screenshot of the error and tell me roughly when it started? Thanks.", Beat.Ask);

    public static DemoLine GenericVendor(bool zh) => new(Speaker.InternalNote, zh
        ? "已联系供应商（工单 {case}），等待对方回复，预计 {n} 个工作日。"
        : "Escalated to the vendor, case {case}. Waiting for their reply, ETA {n} working days.", Beat.Vendor);

    public static DemoLine GenericWorking(bool zh) => new(Speaker.Technician, zh
        ? "收到，正在处理，有进展第一时间告诉您。"
        : "Thanks, I'm looking into it and will update you shortly.", Beat.Resume);

    public static readonly string[] CancelZh = ["不用处理了，已经自己好了，谢谢。", "这个先取消吧，项目延期了。", "重复提交了，请关闭这个单子。"];
    public static readonly string[] CancelEn = ["Please cancel — it started working again by itself.", "No longer needed, thanks. Please close this.", "Duplicate, sorry — please cancel this one."];
}
