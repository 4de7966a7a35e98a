using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Bench.Generation;

namespace Flowdesk.Bench.Load;

/// <summary>One thing a person does in Flowdesk, as the HTTP calls the UI or an integration makes for it.</summary>
public sealed record Operation(string Name, int Weight, Func<Session, Random, Task<HttpStatusCode>> Run);

/// <summary>The signed-in clients and the data the operations pick from.</summary>
public sealed class Session(HttpClient http, string technicianToken, string requesterToken, Manifest manifest)
{
    public HttpClient Http { get; } = http;
    public Manifest Manifest { get; } = manifest;
    /// <summary>Tickets created by this run, waiting for a technician to pick them up.</summary>
    public ConcurrentQueue<string> Fresh { get; } = new();

    public HttpRequestMessage AsTechnician(HttpMethod method, string path, object? body = null) => Request(method, path, technicianToken, body);
    public HttpRequestMessage AsRequester(HttpMethod method, string path, object? body = null) => Request(method, path, requesterToken, body);

    static HttpRequestMessage Request(HttpMethod method, string path, string token, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public async Task<HttpStatusCode> Send(HttpRequestMessage request, Action<JsonElement>? read = null)
    {
        using (request)
        using (var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead))
        {
            if (!response.IsSuccessStatusCode) return response.StatusCode;
            var bytes = await response.Content.ReadAsByteArrayAsync();
            if (read is not null) read(JsonDocument.Parse(bytes).RootElement);
            return response.StatusCode;
        }
    }
}

/// <summary>The mix that exists today, and the scenarios waiting for their features.</summary>
public static class Scenarios
{
    public static readonly Operation Create = new("create ticket", 15, async (s, r) =>
        await s.Send(s.AsRequester(HttpMethod.Post, "/api/v1/tickets", new
        {
            kind = "incident",
            desk = "it",
            subject = r.Next(2) == 0 ? "会议室投影仪无法使用 " + r.Next(1000) : "Laptop will not start " + r.Next(1000),
            description = "Bench: created by the load generator. 基准测试。",
            impact = "medium",
            urgency = "high",
        }), json => s.Fresh.Enqueue(json.GetProperty("id").GetString()!)));

    /// <summary>Ordering the laptop request from the catalog: form validation, pinning, the manager approval set up, history, outbox.</summary>
    public static readonly Operation OrderCatalogItem = new("order catalog item", 5, async (s, r) =>
        await s.Send(s.AsRequester(HttpMethod.Post, "/api/v1/catalog/it.laptop/requests", new
        {
            fields = new { model = "standard", reason = r.Next(2) == 0 ? "旧电脑太慢 " + r.Next(1000) : "Replacement for a broken laptop " + r.Next(1000) },
        })));

    public static readonly Operation Queue = new("technician queue", 25, async (s, _) =>
        await s.Send(s.AsTechnician(HttpMethod.Get, "/api/v1/tickets?desk=it&status=new,in_progress&sort=due&pageSize=50")));

    /// <summary>A process owner comparing versions: it.laptop, where every catalog order lands, over the default 90 days.</summary>
    public static readonly Operation ProcessMetrics = new("process metrics (it.laptop, 90 days)", 1, async (s, _) =>
        await s.Send(s.AsTechnician(HttpMethod.Get, "/api/v1/processes/it.laptop/metrics")));

    public static readonly Operation TicketPage = new("ticket page", 20, (s, r) => OpenTicket(s, Texts.Pick(s.Manifest.SampleTickets, r)));

    public static readonly Operation HeavyTicketPage = new("ticket page, 50 comments + 200 history", 5, (s, r) =>
        OpenTicket(s, Texts.Pick(s.Manifest.HeavyTickets, r)));

    public static readonly Operation Comment = new("comment", 10, async (s, r) =>
        await s.Send(s.AsTechnician(HttpMethod.Post, $"/api/v1/tickets/{Texts.Pick(s.Manifest.SampleTickets, r)}/comments",
            new { body = r.Next(2) == 0 ? "已远程处理，请再试一次。" : "Fixed remotely, please try again.", @internal = false })));

    public static readonly Operation Transition = new("transition", 10, async (s, r) =>
    {
        if (!s.Fresh.TryDequeue(out var id)) return await Create.Run(s, r);
        return await s.Send(s.AsTechnician(HttpMethod.Post, $"/api/v1/tickets/{id}/transitions", new { to = "in_progress" }));
    });

    public static readonly Operation Search = new("search q=", 10, async (s, r) =>
        await s.Send(s.AsTechnician(HttpMethod.Get, $"/api/v1/tickets?q={Uri.EscapeDataString(Texts.Pick(s.Manifest.SearchTerms, r))}&pageSize=20")));

    public static readonly Operation Live = new("GET /health/live (web ceiling)", 1, async (s, _) =>
    {
        using var response = await s.Http.GetAsync("/health/live");
        return response.StatusCode;
    });

    public static readonly IReadOnlyList<Operation> Mix = [Create, OrderCatalogItem, Queue, TicketPage, HeavyTicketPage, Comment, Transition, Search];

    /// <summary>Named in the targets; each becomes an Operation when its feature lands. Never faked.</summary>
    public static readonly IReadOnlyList<string> NotYetBuilt =
        ["approve"];

    static async Task<HttpStatusCode> OpenTicket(Session s, string number)
    {
        string? id = null;
        var status = await s.Send(s.AsTechnician(HttpMethod.Get, $"/api/v1/tickets/{number}"), json => id = json.GetProperty("id").GetString());
        if (id is null) return status;
        status = await s.Send(s.AsTechnician(HttpMethod.Get, $"/api/v1/tickets/{id}/comments"));
        if ((int)status >= 300) return status;
        return await s.Send(s.AsTechnician(HttpMethod.Get, $"/api/v1/tickets/{id}/history"));
    }

    public static async Task<string> SignIn(HttpClient http, string user, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password });
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("token").GetString()!;
    }

    public static long ElapsedTicks(long start) => Stopwatch.GetTimestamp() - start;
}
