using System.CommandLine;
using Flowdesk.Cli;

var root = new RootCommand("Flowdesk administration: database migrations and maintenance.");
root.Options.Add(CliOptions.Database);
root.Options.Add(CliOptions.Connection);
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(MigrationsCommand.Create());

return await root.Parse(args).InvokeAsync();
