using System.CommandLine;
using Flowdesk.Cli;

var root = new RootCommand("Flowdesk administration: database migrations, process-as-code and maintenance.");
root.Options.Add(CliOptions.Database);
root.Options.Add(CliOptions.Connection);
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(MigrationsCommand.Create());
root.Subcommands.Add(ProcessCommand.Create());

return await root.Parse(args).InvokeAsync();
