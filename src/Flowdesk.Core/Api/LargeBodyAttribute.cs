namespace Flowdesk.Api;

/// <summary>Marks an endpoint that takes an upload: the JSON body limit does not apply, the attachment limit does.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class LargeBodyAttribute : Attribute;
