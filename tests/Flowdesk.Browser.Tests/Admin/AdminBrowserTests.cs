using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Browser.Tests.Infrastructure;
using Flowdesk.Outbox;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Browser.Tests.Admin;

/// <summary>
/// The admin screens in the console: a notification template edited with its live preview (and a broken placeholder
/// refused), a dead outbox message found and retried on a phone-sized screen, and the 404 everyone else gets.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminBrowserTests(BrowserApp app)
{
    [Fact]
    public async Task AnAdmin_EditsATemplate_SeesThePreviewChange_Saves_AndABrokenPlaceholderIsRefused()
    {
        var admin = await app.SignedInPageAsync("admin");
        await admin.GotoAsync("/console");
        // Once the console is live (its circuit started): twice on a loaded machine, a click on the link while the
        // circuit was still starting left the page where it was, and the list never came.
        await Expect(admin.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();
        await admin.Locator("a[data-nav=admin]").ClickAsync();
        await Expect(admin.Locator("#template-list")).ToBeVisibleAsync();
        await admin.Locator("tr[data-event=assigned] td[data-language=en] a").ClickAsync();
        await admin.WaitForURLAsync("**/console/admin/templates/assigned/en");
        var subject = admin.Locator("#template-subject");
        await Expect(subject).ToBeEnabledAsync();

        await subject.FillAsync("Assigned to you: {{ ticket.number }} — {{ ticket.title | upcase }}");
        await Expect(admin.Locator("#template-preview-subject")).ToHaveTextAsync("Assigned to you: IT-000123 — PRINTER ON 3F DOES NOT PRINT");
        await admin.Locator("#template-body").FillAsync("Hello {{ recipient.name }},\n\n{{ ticket.number }} is yours now.\n{{ ticket.url }}");
        await Expect(admin.Locator("#template-preview-body")).ToContainTextAsync("Hello Bob Zhang,");
        await Expect(admin.Locator("#template-preview-body")).ToContainTextAsync("IT-000123 is yours now.");
        await admin.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-template.png"), FullPage = true });

        await admin.Locator("#template-save").ClickAsync();
        await Expect(admin.Locator("#template-save-result")).ToHaveAttributeAsync("data-result", "saved");
        await Expect(admin.Locator("#template-origin")).ToHaveAttributeAsync("data-custom", "true");
        Assert.Equal("Assigned to you: {{ ticket.number }} — {{ ticket.title | upcase }}", (await TemplateAsync("assigned", "en")).GetProperty("subject").GetString());

        // A misspelt placeholder: the preview stops, the error names it next to the field, and saving is refused.
        await subject.FillAsync("Assigned to you: {{ ticket.nunber }}");
        await Expect(admin.Locator("#template-subject-error")).ToContainTextAsync("ticket.nunber");
        await Expect(subject).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(admin.Locator("#template-preview")).ToHaveAttributeAsync("data-state", "invalid");
        await admin.Locator("#template-save").ClickAsync();
        await Expect(admin.Locator("#template-save-result")).ToHaveAttributeAsync("data-result", "refused");
        await Expect(admin.Locator("#template-save-result")).ToContainTextAsync("Nothing was saved");
        Assert.Equal("Assigned to you: {{ ticket.number }} — {{ ticket.title | upcase }}", (await TemplateAsync("assigned", "en")).GetProperty("subject").GetString());

        // Back to the shipped default, after a confirmation.
        await admin.Locator("#template-reset").ClickAsync();
        await admin.Locator("#template-reset-confirm").ClickAsync();
        await Expect(admin.Locator("#template-save-result")).ToHaveAttributeAsync("data-result", "reset");
        await Expect(admin.Locator("#template-origin")).ToHaveAttributeAsync("data-custom", "false");
        Assert.False((await TemplateAsync("assigned", "en")).GetProperty("custom").GetBoolean());
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task AnAdmin_OnAPhone_SeesADeadOutboxMessageWithItsError_AndRetriesIt()
    {
        var id = await DeadMessageAsync("smtp 554 5.7.1 relay access denied (admin ui test)");
        var admin = await app.SignedInPageAsync("admin");
        await admin.SetViewportSizeAsync(390, 844);
        await admin.GotoAsync("/console/admin/outbox");

        var row = admin.Locator($"tr[data-id='{id}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("relay access denied (admin ui test)");
        await Expect(admin.Locator("#outbox-counts li[data-status=dead]")).Not.ToHaveAttributeAsync("data-count", "0");
        var retry = row.Locator("button[data-action=retry]");
        await Expect(retry).ToBeEnabledAsync();
        await admin.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-outbox-phone.png"), FullPage = true });

        await row.Locator("button[data-action=details]").ClickAsync();
        await Expect(admin.Locator("#outbox-detail pre")).ToContainTextAsync("admin-ui-test");

        await retry.ClickAsync();
        await Expect(admin.Locator("#outbox-result")).ToHaveAttributeAsync("data-result", "retried");
        await Expect(row).ToHaveCountAsync(0);
        await admin.GotoAsync("/console/admin/outbox?status=pending");
        await Expect(admin.Locator($"tr[data-id='{id}']")).ToHaveAttributeAsync("data-status", "pending");
        await Expect(admin.Locator($"tr[data-id='{id}'] button[data-action=retry]")).ToHaveCountAsync(0);
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task AnAdmin_SeesTheScheduledJobs_AndRunsOneNow()
    {
        var admin = await app.SignedInPageAsync("admin");
        await admin.GotoAsync("/console/admin/jobs");
        var list = admin.Locator("#jobs-list");
        foreach (var job in new[] { "sla.sweep", "approvals.remind", "rules.timed", "db.statistics" })
            await Expect(list.Locator($"tr[data-job='{job}']")).ToBeVisibleAsync();
        await Expect(list.Locator("tr[data-job='sla.sweep']")).ToContainTextAsync("1 min");
        await Expect(list.Locator("tr[data-job='db.statistics']")).ToContainTextAsync("1 h");

        var row = list.Locator("tr[data-job='sla.sweep']");
        var runs = await RunCountAsync("sla.sweep");
        await row.Locator("button[data-action=run]").ClickAsync();
        await Expect(admin.Locator("#jobs-result[data-result=succeeded]")).ToContainTextAsync("sla.sweep ran and succeeded");
        await Expect(row).ToHaveAttributeAsync("data-outcome", "succeeded");
        await Expect(row).ToContainTextAsync($"{runs + 1} in all, 0 failed");
        Assert.Equal(runs + 1, await RunCountAsync("sla.sweep")); // the API sees the run the screen made
        await admin.ScreenshotAsync(new() { Path = BrowserApp.ScreenshotPath("admin-jobs.png"), FullPage = true });
        await admin.Context.CloseAsync();
    }

    async Task<int> RunCountAsync(string job)
    {
        using var api = await app.ApiAsync("admin");
        var jobs = await api.GetFromJsonAsync<JsonElement>("/api/v1/admin/jobs");
        return jobs.EnumerateArray().Single(j => j.GetProperty("name").GetString() == job).GetProperty("runCount").GetInt32();
    }

    [Theory]
    [InlineData("/console/admin/templates")]
    [InlineData("/console/admin/templates/assigned/en")]
    [InlineData("/console/admin/outbox")]
    [InlineData("/console/admin/mail")]
    [InlineData("/console/admin/jobs")]
    public async Task ATechnician_GetsTheOrdinary404_AndNoAdminEntry(string address)
    {
        var li = await app.SignedInPageAsync("li.agent");
        await li.GotoAsync("/console");
        await Expect(li.Locator(".fd-live[data-live=on]")).ToBeVisibleAsync();
        await Expect(li.Locator(".fd-console-nav a")).Not.ToHaveCountAsync(0);
        await Expect(li.Locator("a[data-nav=admin]")).ToHaveCountAsync(0);

        var response = await li.GotoAsync(address);
        Assert.Equal(404, response!.Status);
        await Expect(li.Locator("#fd-notfound-heading")).ToBeVisibleAsync();
        await Expect(li.Locator("#template-list, #outbox-counts, #mail-list, #mail-empty, #template-subject, #jobs-list")).ToHaveCountAsync(0);
        await li.Context.CloseAsync();
    }

    async Task<JsonElement> TemplateAsync(string @event, string language)
    {
        using var api = await app.ApiAsync("admin");
        return await api.GetFromJsonAsync<JsonElement>($"/api/v1/admin/notification-templates/{@event}/{language}");
    }

    /// <summary>A message of a kind no delivery handles (so the worker leaves it alone once retried), dead after its retries.</summary>
    async Task<Guid> DeadMessageAsync(string error)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        var message = new OutboxMessage("admin-ui-test", """{"note":"admin-ui-test"}""", null, DateTimeOffset.UtcNow);
        db.OutboxMessages.Add(message);
        await db.SaveChangesAsync();
        await db.OutboxMessages.Where(m => m.Id == message.Id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Dead).SetProperty(m => m.Attempts, 8).SetProperty(m => m.LastError, error));
        return message.Id;
    }
}
