using System.Security.Claims;
using Flowdesk.Live;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Components.Authorization;

namespace Flowdesk.Web.Live;

/// <summary>
/// Live updates for the interactive pages. An interactive server component already talks to the browser over the
/// circuit's SignalR connection, so consoles and boards subscribe to the <see cref="ViewerFeed"/> in process and
/// re-render; no second hub connection is needed. Pages rendered statically (the portal) will need a hub of their own.
/// </summary>
public static class LiveUpdates
{
    public static IServiceCollection AddFlowdeskLive(this IServiceCollection services)
    {
        services.AddTicketChangeFeed();
        services.AddScoped<CircuitCaller>();
        return services;
    }
}

/// <summary>
/// The signed-in person inside an interactive circuit, where there is no per-request HttpContext (and so no
/// request-scoped <see cref="Caller"/>). Each query runs in a scope of its own, because a circuit lives for hours and
/// one DbContext must not serve it all that time; the access facts come from <see cref="CallerCache"/> (a few seconds old
/// at most, forgotten at once when memberships or roles change on this node).
/// </summary>
public sealed class CircuitCaller(AuthenticationStateProvider authentication, IServiceScopeFactory scopes)
{
    public async Task<Guid?> PersonIdAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && Guid.TryParse(id, out var personId) ? personId : null;
    }

    /// <summary>Runs <paramref name="work"/> with a fresh DbContext and the person's current access facts; null when signed out or deactivated.</summary>
    public async Task<T?> WithAccessAsync<T>(Func<FlowdeskDb, Caller, Task<T>> work, CancellationToken ct) where T : class
    {
        if (await PersonIdAsync() is not { } personId) return null;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowdeskDb>();
        // Through the caller cache, as requests do: the bell on every page asked for these five queries each time.
        var caller = await scope.ServiceProvider.GetRequiredService<CallerCache>().GetAsync(db, personId, ct);
        return caller is null ? null : await work(db, caller);
    }
}
