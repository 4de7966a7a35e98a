using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Flowdesk.Web.Components.Layout;

/// <summary>
/// Whether the page being rendered is an interactive one (it has a render mode, so the browser opens a circuit for it
/// anyway) or a static one (the portal, sign-in, error pages). The layout shows the live bell only on the former: a
/// static page must not open a circuit just for the bell.
/// </summary>
public static class PageModes
{
    static readonly ConcurrentDictionary<Type, bool> Interactive = new();

    public static bool IsInteractive(HttpContext? context) =>
        context?.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type is { } page && IsInteractive(page);

    static bool IsInteractive(Type page) =>
        Interactive.GetOrAdd(page, static type => type.GetCustomAttribute<RenderModeAttribute>(inherit: true) is not null);

    /// <summary>
    /// An endpoint convention: a static page's endpoint configures no interactive render mode. Otherwise Blazor writes
    /// the persisted component state (the antiforgery token, encrypted) into every static page for a circuit that never
    /// starts: a data-protection operation and about 700 bytes per page. It also makes an interactive island on a static
    /// page fail loudly (Blazor refuses a render mode the endpoint does not configure) instead of quietly opening a circuit.
    /// Blazor keeps the metadata type internal, so it is made by name; a test checks that static pages carry no state,
    /// and fails if a later version renames it.
    /// </summary>
    public static void StaticPagesConfigureNoRenderMode(EndpointBuilder endpoint)
    {
        if (NoRenderModes is { } none && endpoint.Metadata.OfType<ComponentTypeMetadata>().LastOrDefault()?.Type is { } page && !IsInteractive(page))
            endpoint.Metadata.Add(none);
    }

    static readonly object? NoRenderModes = typeof(ComponentTypeMetadata).Assembly
        .GetType("Microsoft.AspNetCore.Components.Endpoints.ConfiguredRenderModesMetadata") is { } metadata
        ? Activator.CreateInstance(metadata, [Array.Empty<IComponentRenderMode>()])
        : null;
}
