namespace Flowdesk.Web.Resources;

/// <summary>Marker for the web pages' text (UiText.resx, UiText.zh-CN.resx), used as IStringLocalizer&lt;UiText&gt;.</summary>
public sealed class UiText
{
    private UiText() { }
}
