using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Flowdesk.Tests.Infrastructure;

/// <summary>Small helpers that keep the tests about behaviour rather than HTTP plumbing.</summary>
public static class Api
{
    public static async Task<JsonElement> Json(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return document.RootElement.Clone();
    }

    public static async Task<JsonElement> ShouldBe(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body.Length == 0 ? "null" : body);
        return document.RootElement.Clone();
    }

    /// <summary>Creates a ticket as the client's user and returns its JSON.</summary>
    public static async Task<JsonElement> CreateTicket(this HttpClient client, string desk = "it", string subject = "Printer on 3F offline",
        string kind = "incident", object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["kind"] = kind, ["desk"] = desk, ["subject"] = subject, ["description"] = "Details." };
        if (extra is not null)
            foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        var response = await client.PostAsJsonAsync("/api/v1/tickets", body);
        return await response.ShouldBe(HttpStatusCode.Created);
    }

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PatchJson(this HttpClient client, string url, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }

    public static string Id(this JsonElement ticket) => ticket.GetProperty("id").GetString()!;

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    /// <summary>The problem document's field errors, by field.</summary>
    public static IReadOnlyDictionary<string, string[]> Errors(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors)
            ? errors.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray())
            : new Dictionary<string, string[]>();
}
