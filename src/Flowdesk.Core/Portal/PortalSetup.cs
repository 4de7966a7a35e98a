using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Portal;

public static class PortalSetup
{
    /// <summary>The portal's services: settings, the catalog cache (cleared by saves that touch processes), home-page data and each person's
    /// cached home rows (cleared by saves that touch their tickets or approvals), search.</summary>
    public static IServiceCollection AddFlowdeskPortal(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PortalOptions>(configuration.GetSection(PortalOptions.Section));
        services.AddSingleton<PortalCatalog>();
        services.AddSingleton<PortalHome>();
        services.AddMemoryCache();
        services.AddSingleton<MyHomeCache>();
        services.AddSingleton<MyHomeInvalidation>();
        services.ConfigureDbContext<SqliteFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<MyHomeInvalidation>()));
        services.ConfigureDbContext<PostgresFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<MyHomeInvalidation>()));
        services.AddSingleton<CatalogChangeInterceptor>();
        services.AddSingleton<IPortalSearchSource, CatalogSearchSource>();
        services.AddSingleton<PortalSearch>();
        services.ConfigureDbContext<SqliteFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<CatalogChangeInterceptor>()));
        services.ConfigureDbContext<PostgresFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<CatalogChangeInterceptor>()));
        return services;
    }
}
