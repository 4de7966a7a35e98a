using System.Globalization;
using System.Text.RegularExpressions;

namespace Flowdesk.Demo;

/// <summary>The small details that make each demo ticket its own: floors, rooms, asset tags, names, dates.</summary>
static partial class DemoVariables
{
    static readonly string[] RoomsEn = ["Huangpu", "Bund", "Lujiazui", "West Lake", "Yangtze", "Taishan", "Zhangjiang", "Suzhou Creek"];
    static readonly string[] RoomsZh = ["黄浦厅", "外滩厅", "陆家嘴厅", "西湖厅", "长江厅", "泰山厅", "张江厅", "苏州河厅"];
    static readonly string[] WeekdaysEn = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    static readonly string[] WeekdaysZh = ["一", "二", "三", "四", "五"];
    static readonly string[] NewHiresEn = ["Tom Becker", "Nina Park", "Lucas Meyer", "Sara Ahmed", "Daniel Ortiz", "Mei Tanaka", "Olivia Grant"];
    static readonly string[] NewHiresZh = ["陈晓", "刘洋", "杨帆", "赵静", "孙浩", "周婷", "郭磊"];
    static readonly string[] RolesEn = ["product manager", "data analyst", "sales engineer", "accountant", "UX designer"];
    static readonly string[] RolesZh = ["产品经理", "前端工程师", "财务专员", "销售经理", "市场专员"];
    static readonly string[] Apps = ["Visio", "Power BI Desktop", "XMind", "Tableau", "PyCharm", "Adobe Acrobat Pro", "SPSS", "Navicat"];
    static readonly string[] Shares = ["Finance-Reporting", "Sales-Contracts", "Marketing-Assets", "Legal-Archive", "Ops-Planning"];
    static readonly string[] Projects = ["CRM2", "PAY", "WEBSHOP", "DATA", "MOBILE"];
    static readonly string[] SitesEn = ["Beijing office", "hotel in Shenzhen", "airport lounge", "customer site in Hangzhou"];
    static readonly string[] SitesZh = ["家里", "北京办公室", "出差的酒店", "客户现场"];
    static readonly string[] VpnErrorsZh = ["与服务器的连接已断开（错误 809）", "TLS 握手超时", "隧道保活超时，正在重新连接"];
    static readonly string[] CountriesEn = ["Nigeria", "Brazil", "the Netherlands", "Vietnam", "Romania"];
    static readonly string[] TeamsEn = ["Sales East", "Data Platform", "Brand", "Customer Success"];
    static readonly string[] PurposesZh = ["签证", "银行贷款", "子女入学"];
    static readonly string[] PurposesEn = ["mortgage", "visa", "rental contract"];
    static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-US");

    public static Dictionary<string, string> Create(Random rng, bool zh, string requesterFirstName, string? managerName, DateTimeOffset createdLocal)
    {
        var floor = rng.Next(3, 29);
        var floor2 = floor + rng.Next(1, 6);
        var roomIndex = rng.Next(RoomsEn.Length);
        var seatRow = (char)('A' + rng.Next(6));
        var seat = rng.Next(1, 36);
        var previousMonth = createdLocal.AddMonths(-1);
        var start = createdLocal.AddDays(rng.Next(6, 14));
        var due = createdLocal.AddMonths(rng.Next(2, 6));
        var n2 = rng.Next(6, 16);
        var team = TeamsEn[rng.Next(TeamsEn.Length)];
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["first"] = requesterFirstName,
            ["manager"] = managerName ?? (zh ? "部门经理" : "your manager"),
            ["floor"] = $"{floor}F",
            ["floor2"] = $"{floor2}F",
            ["seat"] = $"{seatRow}{seat:D2}",
            ["seat2"] = $"{seatRow}{seat + rng.Next(2, 6):D2}",
            ["room"] = zh ? $"{floor}F {RoomsZh[roomIndex]}" : $"{RoomsEn[roomIndex]} ({floor}F)",
            ["printer"] = $"PRN-{floor:D2}F-0{rng.Next(1, 5)}",
            ["asset"] = $"LT-{rng.Next(20000, 29999)}",
            ["ip"] = $"10.{floor}.{rng.Next(1, 255)}.{rng.Next(2, 254)}",
            ["ip2"] = $"{rng.Next(41, 197)}.{rng.Next(1, 255)}.{rng.Next(1, 255)}.{rng.Next(2, 254)}",
            ["n"] = rng.Next(2, 6).ToString(CultureInfo.InvariantCulture),
            ["n2"] = n2.ToString(CultureInfo.InvariantCulture),
            ["people"] = (n2 * 10).ToString(CultureInfo.InvariantCulture),
            ["case"] = rng.Next(100000, 999999).ToString(CultureInfo.InvariantCulture),
            ["badge"] = rng.Next(10000, 99999).ToString("D8", CultureInfo.InvariantCulture),
            ["app"] = Apps[rng.Next(Apps.Length)],
            ["share"] = Shares[rng.Next(Shares.Length)],
            ["project"] = Projects[rng.Next(Projects.Length)],
            ["site"] = zh ? SitesZh[rng.Next(SitesZh.Length)] : SitesEn[rng.Next(SitesEn.Length)],
            ["vpnerr"] = VpnErrorsZh[rng.Next(VpnErrorsZh.Length)],
            ["mbsize"] = $"49.{rng.Next(1, 10)}",
            ["weekday"] = zh ? "周" + WeekdaysZh[rng.Next(5)] : WeekdaysEn[rng.Next(5)],
            ["newhire"] = zh ? NewHiresZh[rng.Next(NewHiresZh.Length)] : NewHiresEn[rng.Next(NewHiresEn.Length)],
            ["role"] = zh ? RolesZh[rng.Next(RolesZh.Length)] : RolesEn[rng.Next(RolesEn.Length)],
            ["time"] = $"{createdLocal.Hour:D2}:{rng.Next(0, 60):D2}",
            ["month"] = zh ? $"{previousMonth.Month}月" : previousMonth.ToString("MMMM", English),
            ["startdate"] = zh ? $"{start.Month}月{start.Day}日" : start.ToString("d MMMM", English),
            ["duemonth"] = due.ToString("MMMM", English),
            ["q"] = ((createdLocal.Month + 2) / 3).ToString(CultureInfo.InvariantCulture),
            ["country"] = CountriesEn[rng.Next(CountriesEn.Length)],
            ["team"] = team,
            ["teammail"] = team.ToLowerInvariant().Replace(' ', '-'),
            ["cold"] = rng.Next(17, 21).ToString(CultureInfo.InvariantCulture),
            ["hot"] = rng.Next(27, 31).ToString(CultureInfo.InvariantCulture),
            ["amount"] = (rng.Next(30, 300) * 10).ToString(zh ? "0" : "N0", English),
            ["purpose"] = PurposesZh[rng.Next(PurposesZh.Length)],
            ["purposeEn"] = PurposesEn[rng.Next(PurposesEn.Length)],
            ["certlang"] = "zh-CN, en",
        };
    }

    /// <summary>Replaces {name} with the ticket's value; an unknown name is a bug in a scenario, so it throws.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v
            : throw new InvalidOperationException($"Demo scenario uses unknown placeholder {m.Value}: {template}"));

    public static IEnumerable<string> PlaceholdersIn(string template) =>
        Placeholder().Matches(template).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\{([a-zA-Z0-9]+)\}")]
    private static partial Regex Placeholder();
}
