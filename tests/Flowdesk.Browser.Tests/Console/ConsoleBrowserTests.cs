using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Browser.Tests.Infrastructure;

namespace Flowdesk.Browser.Tests.Console;

/// <summary>
/// The technician's day in a real browser: find a ticket in the queue, work it with the keyboard, answer on the ticket
/// page with a public reply and an internal note, merge a duplicate; and the process view's diagram, live YAML checks,
/// publishing and the comparison of its versions.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleBrowserTests(BrowserApp app)
{
    [Fact]
    public async Task ATechnician_FindsATicketInTheQueue_AndWorksItWithTheKeyboard()
    {
        var ticket = await CreateItTicketAsync("Keyboard: projector in room 7 shows no signal");
        var number = ticket.GetProperty("number").GetString()!;
        var li = await app.SignedInPageAsync("li.agent");
        await li.GotoAsync("/console?queue=unassigned");
        await Expect(li.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();
        await Expect(li.Locator("body[data-queue-keys=ready]")).ToHaveCountAsync(1);

        await li.Locator("#queue-q").FillAsync(number);
        await li.Locator("#queue-q").PressAsync("Enter");
        var row = li.Locator($"tr[data-number='{number}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(li.Locator(".fd-queue-table tbody tr")).ToHaveCountAsync(1);

        // Typing in a field never triggers a shortcut: "a" in the search box is just a letter.
        await li.Locator("#queue-q").PressAsync("a");
        await Expect(li.Locator("#queue-q")).ToHaveValueAsync(number + "a");
        Assert.Equal(JsonValueKind.Null, (await GetTicketAsync("li.agent", number)).GetProperty("assignee").ValueKind);
        await li.Locator("#queue-q").FillAsync(number);

        // j puts the cursor on the first row, a assigns it to me, ? opens the help, o opens the ticket.
        await li.Locator("h1").ClickAsync();
        await li.Keyboard.PressAsync("j");
        await Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("fd-row-current"));
        await li.Keyboard.PressAsync("a");
        await Expect(li.Locator("[data-shortcut-message]")).ToContainTextAsync(number);
        Assert.Equal("li.agent", (await GetTicketAsync("li.agent", number)).GetProperty("assignee").GetProperty("username").GetString());

        await li.Keyboard.PressAsync("?");
        await Expect(li.Locator("#queue-help")).ToBeVisibleAsync();
        await li.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("console-queue-shortcuts.png") });
        await li.Keyboard.PressAsync("Escape");
        await Expect(li.Locator("#queue-help")).ToBeHiddenAsync();

        await li.GotoAsync("/console?queue=mine&cols=number,subject,status,priority,requester,due");
        await Expect(li.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();
        await Expect(li.Locator($"tr[data-number='{number}']")).ToBeVisibleAsync();
        await Expect(li.Locator("th button", new() { HasText = "申请人" })).ToBeVisibleAsync();
        await li.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("console-queue.png") });

        await li.Locator($"tr[data-number='{number}']").FocusAsync();
        await li.Keyboard.PressAsync("o");
        await li.WaitForURLAsync($"**/tickets/{number}");
        await Expect(li.Locator("h1")).ToContainTextAsync(number);
        await li.Context.CloseAsync();
    }

    [Fact]
    public async Task TheTicketPage_SeparatesRepliesFromInternalNotes_AndMergesADuplicate()
    {
        var target = await CreateItTicketAsync("Ticket page: shared drive S: not mapped");
        var duplicate = await CreateItTicketAsync("Ticket page: S drive missing after login");
        var targetNumber = target.GetProperty("number").GetString()!;
        var number = duplicate.GetProperty("number").GetString()!;
        var wu = await app.SignedInPageAsync(BrowserApp.SecondItTechnician);
        await wu.GotoAsync($"/tickets/{number}#note");
        await Expect(wu.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();
        await Expect(wu.Locator("#note")).ToBeFocusedAsync();

        await wu.Locator("#note").FillAsync("Probably the GPO from last night.");
        await wu.Locator(".fd-compose-note button[type=submit]").ClickAsync();
        await Expect(wu.Locator(".fd-comment-internal", new() { HasText = "Probably the GPO" })).ToBeVisibleAsync();
        await wu.Locator("#reply").FillAsync("We are on it; you can use \\\\files\\shared meanwhile.");
        await wu.Locator(".fd-compose:not(.fd-compose-note) button[type=submit]").ClickAsync();
        await Expect(wu.Locator(".fd-comment:not(.fd-comment-internal)", new() { HasText = "We are on it" })).ToBeVisibleAsync();
        await wu.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("ticket-page.png"), FullPage = true });

        using (var alice = await app.ApiAsync("alice"))
        {
            var seen = await alice.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{number}/comments");
            Assert.Contains(seen.EnumerateArray(), c => c.GetProperty("body").GetString()!.StartsWith("We are on it", StringComparison.Ordinal));
            Assert.DoesNotContain(seen.EnumerateArray(), c => c.GetProperty("body").GetString()!.Contains("GPO", StringComparison.Ordinal));
        }

        // The merge sends the version on screen: wait until the page shows the ticket as it is now (the reply's own
        // save and the live reload after it can land in either order under load; a stale version is rightly refused).
        await Expect(wu.Locator(".fd-ticket")).ToHaveAttributeAsync("data-version", await CurrentVersionAsync(number));
        await wu.Locator(".fd-merge summary").ClickAsync();
        await wu.Locator("#merge-into").FillAsync(targetNumber);
        await wu.Locator(".fd-merge button[type=submit]").ClickAsync();
        await wu.WaitForURLAsync($"**/tickets/{targetNumber}");
        await Expect(wu.Locator($"[data-link-kind=merged_from] a", new() { HasText = number })).ToBeVisibleAsync();
        Assert.Equal("closed", (await GetTicketAsync(BrowserApp.SecondItTechnician, number)).GetProperty("status").GetString());
        await wu.Context.CloseAsync();
    }

    [Fact]
    public async Task TheProcessView_DrawsTheFlow_AndChecksTheYamlWhileItIsTyped()
    {
        var admin = await app.SignedInPageAsync("admin");
        await admin.GotoAsync("/console/processes/it.laptop");
        var diagram = admin.Locator("svg.fd-diagram");
        await Expect(diagram).ToBeVisibleAsync();
        await Expect(diagram.Locator(".fd-node-approval")).ToHaveCountAsync(2);
        await Expect(diagram.Locator(".fd-node-task")).ToHaveCountAsync(2);
        // At least five states. A web-first assertion (retried), not an instant count: the interactive render replaces the
        // prerendered diagram, and an instant count once landed in between on a loaded CI machine.
        await Expect(diagram.Locator(".fd-node[data-node^='state:']").Nth(4)).ToBeAttachedAsync();
        await Expect(admin.Locator("#process-problems[data-state=valid]")).ToBeVisibleAsync();
        await Expect(admin.Locator("#process-editor")).ToBeEnabledAsync();
        await admin.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("process-view.png"), FullPage = true });

        var editor = admin.Locator("#process-editor");
        var original = await editor.InputValueAsync();
        await editor.FillAsync(original.Replace("rule: any", "rule: sometimes", StringComparison.Ordinal));
        var problems = admin.Locator("#process-problems[data-state=invalid]");
        await Expect(problems).ToBeVisibleAsync();
        await Expect(problems.Locator("li[data-line]").First).ToContainTextAsync("sometimes");
        var line = await problems.Locator("li[data-line]").First.GetAttributeAsync("data-line");
        var expected = original.Split('\n').Select((text, i) => (text, i)).First(l => l.text.Contains("rule: any", StringComparison.Ordinal)).i + 1;
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), line);
        await Expect(admin.Locator(".fd-process-code button", new() { HasText = "Save draft" })).ToBeDisabledAsync();

        await editor.FillAsync(original);
        // Validation runs after a pause in typing and reads the installation's references; a loaded CI machine can be slow.
        // Once (on PostgreSQL, at a load average of 20) the list stayed stale after this fill; the notes track it. Typing
        // again must then bring it up to date: what is asserted is that the shown problems follow the text.
        var valid = admin.Locator("#process-problems[data-state=valid]");
        try
        {
            await Expect(valid).ToBeVisibleAsync(new() { Timeout = 20_000 });
        }
        catch (PlaywrightException)
        {
            await editor.PressAsync("End");
            await editor.PressSequentiallyAsync(" ");
            await editor.PressAsync("Backspace");
            await Expect(valid).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task TheProcessView_PublishesASavedDraft_AfterShowingWhatChanged_AndRefusesWhenSomeoneElsePublishedFirst()
    {
        using var api = await app.ApiAsync("admin");
        await SaveDraftAsync(api, PhoneV1);
        (await api.PostAsJsonAsync("/api/v1/processes/test.publish/versions/1/publish", new { })).EnsureSuccessStatusCode();

        var admin = await app.SignedInPageAsync("admin");
        await admin.GotoAsync("/console/processes/test.publish");
        var editor = admin.Locator("#process-editor");
        await Expect(editor).ToBeEnabledAsync();
        await Expect(admin.Locator("#process-problems[data-state=valid]")).ToBeVisibleAsync();
        // No draft yet: nothing to publish.
        await Expect(admin.Locator("#publish-review")).ToHaveCountAsync(0);

        await editor.FillAsync(PhoneV2);
        await admin.Locator(".fd-process-code button", new() { HasText = "Save draft" }).ClickAsync();
        await Expect(admin.Locator("#editor-heading")).ToContainTextAsync("Draft version 2");
        var review = admin.Locator("#publish-review");
        await Expect(review).ToBeEnabledAsync(new() { Timeout = 30_000 });

        await review.ClickAsync();
        var diff = admin.Locator("#publish-diff");
        await Expect(diff).ToBeVisibleAsync();
        await Expect(diff.Locator("tr[data-kind=added][data-path='/form/extension']")).ToBeVisibleAsync();
        await Expect(diff.Locator("tr[data-kind=changed][data-path='/name']")).ToBeVisibleAsync();
        await Expect(admin.Locator(".fd-publish-changelog")).ToHaveTextAsync("Asks for the extension number");
        await Expect(admin.Locator(".fd-publish-confirm")).ToContainTextAsync("tickets opened earlier stay on their version");
        await admin.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("process-publish.png"), FullPage = true });

        await admin.Locator("#publish-confirm").ClickAsync();
        await Expect(admin.Locator("#publish-result[data-result=published]")).ToContainTextAsync("Version 2 is published");
        await Expect(admin.Locator("#process-version option[value='2']")).ToContainTextAsync("published");
        await Expect(admin.Locator("#process-version option[value='1']")).ToContainTextAsync("superseded");
        await Expect(admin.Locator("#publish-review")).ToHaveCountAsync(0);
        using (var alice = await app.ApiAsync("alice"))
        {
            var item = await alice.GetFromJsonAsync<JsonElement>("/api/v1/catalog/test.publish");
            Assert.Equal(2, item.GetProperty("item").GetProperty("version").GetInt32());
            Assert.Contains(item.GetProperty("form").EnumerateArray(), f => f.GetProperty("id").GetString() == "extension");
        }

        // Someone else publishes version 3 while this page asks for confirmation: refused with the reason, nothing else changes.
        await SaveDraftAsync(api, PhoneV2.Replace("Asks for the extension number", "Room is optional", StringComparison.Ordinal)
            .Replace("required: true", "required: false", StringComparison.Ordinal));
        await admin.GotoAsync("/console/processes/test.publish");
        await Expect(admin.Locator("#editor-heading")).ToContainTextAsync("Draft version 3");
        await Expect(admin.Locator("#publish-review")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await admin.Locator("#publish-review").ClickAsync();
        await Expect(admin.Locator("#publish-confirm")).ToBeEnabledAsync();
        (await api.PostAsJsonAsync("/api/v1/processes/test.publish/versions/3/publish", new { })).EnsureSuccessStatusCode();
        await admin.Locator("#publish-confirm").ClickAsync();
        await Expect(admin.Locator("#publish-result[data-result=refused]")).ToContainTextAsync("version 3 was published meanwhile");
        await Expect(admin.Locator("#process-version option[value='3']")).ToContainTextAsync("published");
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task TheTicketPage_DownloadsAnAttachmentWithItsChineseName()
    {
        var ticket = await CreateItTicketAsync("Download: VPN log attached");
        var number = ticket.GetProperty("number").GetString()!;
        var bytes = System.Text.Encoding.UTF8.GetBytes($"VPN 日志 {Guid.NewGuid()}\ntunnel reset at 09:14\n");
        string id;
        using (var alice = await app.ApiAsync("alice"))
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentDisposition = new("form-data") { Name = "\"file\"", FileNameStar = "网络日志.log" };
            form.Add(file);
            var uploaded = await alice.PostAsync($"/api/v1/tickets/{number}/attachments", form);
            Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
            id = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        var li = await app.SignedInPageAsync("li.agent");
        await li.GotoAsync($"/tickets/{number}");
        var link = li.Locator($"a[data-file='{id}']");
        await Expect(link).ToHaveTextAsync("网络日志.log");
        await Expect(li.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();

        var download = await li.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal("网络日志.log", download.SuggestedFilename);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(await download.PathAsync()));
        // Still on the ticket page: the link downloaded, it did not navigate.
        await Expect(li.Locator("h1")).ToContainTextAsync(number);
        await li.Context.CloseAsync();
    }

    [Fact]
    public async Task TheDraftEditor_RefusesToSaveOverADraftSomeoneElseSavedMeanwhile()
    {
        using var api = await app.ApiAsync("admin");
        string Phone(string changelog) => PhoneV2.Replace("test.publish", "test.concurrent", StringComparison.Ordinal)
            .Replace("Asks for the extension number", changelog, StringComparison.Ordinal);
        await SaveDraftAsync(api, PhoneV1.Replace("test.publish", "test.concurrent", StringComparison.Ordinal));
        (await api.PostAsJsonAsync("/api/v1/processes/test.concurrent/versions/1/publish", new { })).EnsureSuccessStatusCode();

        var admin = await app.SignedInPageAsync("admin");
        await admin.GotoAsync("/console/processes/test.concurrent");
        var editor = admin.Locator("#process-editor");
        await Expect(editor).ToBeEnabledAsync();
        await Expect(admin.Locator("#editor-heading")).ToContainTextAsync("Start a new draft");

        // Someone else starts the draft while this page is open.
        await SaveDraftAsync(api, Phone("Theirs"));
        await editor.FillAsync(Phone("Mine"));
        await Expect(admin.Locator("#process-problems[data-state=valid]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await admin.Locator(".fd-process-code button", new() { HasText = "Save draft" }).ClickAsync();
        await Expect(admin.Locator(".fd-process-code p.fd-field-error[role=status]")).ToContainTextAsync("someone else saved this process's draft");
        Assert.Equal("Theirs", await DraftChangelogAsync(api));

        // On the page as it is now, the edit is made on their draft and saved.
        await admin.ReloadAsync();
        await Expect(admin.Locator("#editor-heading")).ToContainTextAsync("Draft version 2");
        await Expect(editor).ToBeEnabledAsync();
        await Expect(editor).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Theirs"));
        await editor.FillAsync(Phone("Theirs and mine"));
        await Expect(admin.Locator("#process-problems[data-state=valid]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await admin.Locator(".fd-process-code button", new() { HasText = "Save draft" }).ClickAsync();
        await Expect(admin.Locator(".fd-process-code p.fd-note[role=status]")).ToContainTextAsync("Saved as draft version 2");
        Assert.Equal("Theirs and mine", await DraftChangelogAsync(api));
        await admin.Context.CloseAsync();
    }

    static async Task<string?> DraftChangelogAsync(HttpClient api)
    {
        var process = await api.GetFromJsonAsync<JsonElement>("/api/v1/processes/test.concurrent");
        return process.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("status").GetString() == "draft")
            .GetProperty("changelog").GetString();
    }

    [Fact]
    public async Task TheProcessView_ComparesItsVersions_SideBySide()
    {
        using var api = await app.ApiAsync("admin");
        using var alice = await app.ApiAsync("alice");
        using var li = await app.ApiAsync("li.agent");
        async Task<string> OrderAsync()
        {
            var response = await alice.PostAsJsonAsync("/api/v1/catalog/test.compare/requests", new { fields = new { room = "A-101" } });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }
        async Task ResolveAndRateAsync(string id, int rating)
        {
            foreach (var to in new[] { "in_progress", "resolved" })
                (await li.PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { to })).EnsureSuccessStatusCode();
            (await alice.PutAsJsonAsync($"/api/v1/tickets/{id}/survey", new { rating })).EnsureSuccessStatusCode();
        }

        var compareV1 = PhoneV1.Replace("test.publish", "test.compare", StringComparison.Ordinal);
        await SaveDraftAsync(api, compareV1);
        (await api.PostAsJsonAsync("/api/v1/processes/test.compare/versions/1/publish", new { })).EnsureSuccessStatusCode();
        await ResolveAndRateAsync(await OrderAsync(), 2);
        await OrderAsync(); // still new
        await SaveDraftAsync(api, PhoneV2.Replace("test.publish", "test.compare", StringComparison.Ordinal));
        (await api.PostAsJsonAsync("/api/v1/processes/test.compare/versions/2/publish", new { })).EnsureSuccessStatusCode();
        await ResolveAndRateAsync(await OrderAsync(), 5);

        var admin = await app.SignedInPageAsync("admin");
        await admin.GotoAsync("/console/processes/test.compare");
        var panel = admin.Locator("#version-comparison[data-state=ready]");
        await Expect(panel).ToBeVisibleAsync();
        var summary = panel.Locator("#compare-summary");
        await Expect(summary.Locator("thead th[data-version]")).ToHaveCountAsync(2);
        await Expect(summary.Locator("tr[data-measure=tickets] td[data-version='1']")).ToHaveTextAsync("2");
        await Expect(summary.Locator("tr[data-measure=tickets] td[data-version='2']")).ToHaveTextAsync("1");
        await Expect(summary.Locator("tr[data-measure=resolved] td[data-version='1']")).ToHaveTextAsync("1");
        await Expect(summary.Locator("tr[data-measure=satisfaction] td[data-version='1']")).ToContainTextAsync("2 / 5 (answers: 1)");
        await Expect(summary.Locator("tr[data-measure=satisfaction] td[data-version='2']")).ToContainTextAsync("5 / 5 (answers: 1)");
        // Version 2 against 1: satisfaction rose by 3, which is better.
        var change = summary.Locator("tr[data-measure=satisfaction] td.fd-change");
        await Expect(change).ToHaveAttributeAsync("data-change", "better");
        await Expect(change).ToContainTextAsync("+3");
        // Where they waited: the ticket still new has counted its time in "new" up to now.
        await Expect(panel.Locator("#compare-states tr[data-key=new] td[data-version='1']")).Not.ToHaveTextAsync("—");
        await Expect(panel.Locator("#compare-states tr[data-key=in_progress]")).ToBeVisibleAsync();
        await admin.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("process-compare.png"), FullPage = true });

        await admin.Locator("#compare-window").SelectOptionAsync("30");
        await Expect(admin.Locator("#version-comparison[data-state=ready] #compare-summary tr[data-measure=tickets] td[data-version='1']")).ToHaveTextAsync("2");
        await admin.Context.CloseAsync();
    }

    static async Task SaveDraftAsync(HttpClient api, string yaml)
    {
        var saved = await api.PostAsync("/api/v1/processes", new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
    }

    const string PhoneV1 = """
        key: test.publish
        name: { en: Desk phone, zh-CN: 座机 }
        desk: it
        kind: request
        group: service-desk
        catalog:
          category: support
          audience: [everyone]
          tags: [phone]
        form:
          - { id: room, type: text, required: true, label: { en: Room, zh-CN: 房间 } }
        sla: { response: 4h, resolution: 2bd, calendar: cn-mainland }
        """;

    const string PhoneV2 = """
        key: test.publish
        name: { en: Desk phone or extension, zh-CN: 座机或分机 }
        desk: it
        kind: request
        group: service-desk
        changelog: Asks for the extension number
        catalog:
          category: support
          audience: [everyone]
          tags: [phone]
        form:
          - { id: room, type: text, required: true, label: { en: Room, zh-CN: 房间 } }
          - { id: extension, type: text, label: { en: Extension, zh-CN: 分机号 } }
        sla: { response: 4h, resolution: 2bd, calendar: cn-mainland }
        """;

    async Task<JsonElement> CreateItTicketAsync(string subject)
    {
        using var alice = await app.ApiAsync("alice");
        var response = await alice.PostAsJsonAsync("/api/v1/tickets", new { kind = "incident", desk = "it", subject, description = "From the console browser tests." });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The ticket's row version as the API's ETag gives it ("5" → 5).</summary>
    async Task<string> CurrentVersionAsync(string number)
    {
        using var client = await app.ApiAsync(BrowserApp.SecondItTechnician);
        using var response = await client.GetAsync($"/api/v1/tickets/{number}");
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.Tag.Trim('"');
    }

    async Task<JsonElement> GetTicketAsync(string userName, string number)
    {
        using var client = await app.ApiAsync(userName);
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{number}");
    }
}
