using System.Net;
using System.Net.Http.Json;
using System.Text;
using Flowdesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Flowdesk.Tests.Portal;

/// <summary>
/// A host for the portal tests: a clock the tests move (reopen window, SLA promise), a small attachment limit, and a
/// published test process whose form has every field type (it is the only shipped-like form with an attachment field).
/// </summary>
public sealed class PortalApp : FlowdeskApp
{
    public const string EverythingKey = "test.everything";
    public const long MaxBytes = 64 * 1024;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero)); // a Tuesday, 10:00 in Shanghai

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Flowdesk:Attachments:MaxBytes", MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Flowdesk:Portal:ReopenWindow", "3.00:00:00"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var admin = await ClientFor("admin");
        var saved = await admin.PostAsync("/api/v1/processes", new StringContent(EverythingYaml, Encoding.UTF8, "application/yaml"));
        var body = await saved.Content.ReadAsStringAsync();
        if (saved.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created)) throw new InvalidOperationException(body);
        var published = await admin.PostAsync($"/api/v1/processes/{EverythingKey}/versions/1/publish", JsonContent.Create(new { }));
        if (!published.IsSuccessStatusCode) throw new InvalidOperationException(await published.Content.ReadAsStringAsync());
    }

    public const string EverythingYaml = """
        key: test.everything
        name: { en: Everything form, zh-CN: 全字段表单 }
        desk: it
        kind: request
        group: service-desk
        catalog:
          category: support
          audience: [everyone]
          tags: [test]
          description: { en: A form with every field type., zh-CN: 包含所有字段类型的表单。 }
        form:
          - { id: title, type: text, required: true, label: { en: Title, zh-CN: 标题 }, help: { en: A few words., zh-CN: 简短描述。 }, max: 100 }
          - { id: details, type: multiline, label: { en: Details, zh-CN: 详情 } }
          - { id: count, type: number, min: 1, max: 10, label: { en: How many, zh-CN: 数量 } }
          - { id: needed_by, type: date, label: { en: Needed by, zh-CN: 需要日期 } }
          - { id: meeting, type: datetime, label: { en: Meeting, zh-CN: 会议时间 } }
          - { id: urgent, type: bool, label: { en: Urgent, zh-CN: 紧急 } }
          - { id: why_urgent, type: text, visibleIf: "form.urgent", requiredIf: "form.urgent", label: { en: Why urgent, zh-CN: 紧急原因 } }
          - { id: size, type: select, label: { en: Size, zh-CN: 尺寸 }, options: [ { value: s, label: { en: Small, zh-CN: 小 } }, { value: l, label: { en: Large, zh-CN: 大 } } ] }
          - { id: extras, type: multiselect, label: { en: Extras, zh-CN: 附加 }, options: [ { value: bag, label: { en: Bag, zh-CN: 包 } }, { value: mouse, label: { en: Mouse, zh-CN: 鼠标 } } ] }
          - { id: colleague, type: person, label: { en: Colleague, zh-CN: 同事 } }
          - { id: team, type: group, label: { en: Team, zh-CN: 团队 } }
          - { id: asset, type: asset, label: { en: Asset tag, zh-CN: 资产编号 } }
          - { id: screenshot, type: attachment, label: { en: Screenshot, zh-CN: 截图 } }
          - { id: office, type: text, label: { en: Office, zh-CN: 办公地点 }, defaultFrom: requester.location }
        sla: { response: 4h, resolution: 2bd, calendar: cn-mainland }
        """;
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalApp>
{
    public const string Name = "portal";
}
