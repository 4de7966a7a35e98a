namespace Flowdesk.Web.Components.Portal;

/// <summary>
/// Marker for the portal pages' text (PortalText.resx, PortalText.zh-CN.resx next to it), used as IStringLocalizer&lt;PortalText&gt;.
/// The portal keeps its own resource pair so its many strings do not crowd the shell's UiText.
/// </summary>
public sealed class PortalText
{
    private PortalText() { }
}
