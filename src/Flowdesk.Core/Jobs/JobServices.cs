using Flowdesk.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Flowdesk.Jobs;

public static class JobServices
{
    /// <summary>
    /// Registers a scheduled job. It is created in the scope of each run, so it may take scoped services in its
    /// constructor; its <see cref="IScheduledJob.Name"/> must be unique.
    /// </summary>
    public static IServiceCollection AddScheduledJob<T>(this IServiceCollection services) where T : class, IScheduledJob
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IScheduledJob, T>());
        return services;
    }

    /// <summary>Registers the delivery of one outbox message kind; it is created in a fresh scope for each message.</summary>
    public static IServiceCollection AddOutboxDelivery<T>(this IServiceCollection services) where T : class, IOutboxDelivery
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IOutboxDelivery, T>());
        return services;
    }

    /// <summary>
    /// The job runner and the outbox worker (as background services unless Flowdesk:Jobs:Enabled is false), and the
    /// jobs of the core: the SLA sweep, approval reminders, time-based rules and the database statistics.
    /// </summary>
    public static IServiceCollection AddFlowdeskJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFlowdeskJobRunner(configuration);
        services.AddScheduledJob<Sla.SlaSweepJob>();
        services.AddScheduledJob<Processes.RemindersJob>();
        services.AddScheduledJob<Processes.TimedRulesJob>();
        services.AddScheduledJob<Persistence.DatabaseStatisticsJob>();
        return services;
    }

    /// <summary>The runner and the worker without any job (a second node in the tests, tools).</summary>
    public static IServiceCollection AddFlowdeskJobRunner(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobOptions>().Bind(configuration.GetSection("Flowdesk:Jobs"));
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection("Flowdesk:Outbox"));
        services.AddOptions<Sla.SlaSweepOptions>().Bind(configuration.GetSection("Flowdesk:Sla:Sweep"));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobRunner>();
        services.TryAddSingleton<OutboxWorker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EnabledOnly<JobRunnerService>>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EnabledOnly<OutboxWorkerService>>());
        return services;
    }

    /// <summary>Starts the wrapped background service only when Flowdesk:Jobs:Enabled is on.</summary>
    sealed class EnabledOnly<T>(IServiceProvider services, IOptions<JobOptions> options) : IHostedService, IDisposable where T : IHostedService
    {
        T? inner;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.Enabled) return Task.CompletedTask;
            inner = ActivatorUtilities.CreateInstance<T>(services);
            return inner.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => inner?.StopAsync(cancellationToken) ?? Task.CompletedTask;

        public void Dispose() => (inner as IDisposable)?.Dispose();
    }
}
