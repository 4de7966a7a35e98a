using Flowdesk.Web.Startup;

var builder = WebApplication.CreateBuilder(args);
builder.AddFlowdesk();

var app = builder.Build();
await app.PrepareDatabaseAsync();
app.UseFlowdesk();
await app.RunAsync();

/// <summary>Entry point; public so WebApplicationFactory in the tests can start the real host.</summary>
public partial class Program;
