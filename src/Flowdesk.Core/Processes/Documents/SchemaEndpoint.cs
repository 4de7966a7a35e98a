using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Flowdesk.Processes.Documents;

/// <summary>GET /processes/schema.json: the JSON Schema of process documents, for editors and CI; no sign-in needed.</summary>
public static class SchemaEndpoint
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/processes/schema.json", () => TypedResults.Text(ProcessSchema.Text, ProcessSchema.ContentType, Encoding.UTF8))
            .AllowAnonymous()
            .WithName("GetProcessSchema")
            .WithSummary("The JSON Schema (draft 2020-12) of process documents.");
}
