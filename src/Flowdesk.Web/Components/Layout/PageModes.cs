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
        context?.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type is { } page
        && Interactive.GetOrAdd(page, static type => type.GetCustomAttribute<RenderModeAttribute>(inherit: true) is not null);
}
