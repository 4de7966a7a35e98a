using Flowdesk.Chat;
using Flowdesk.Jobs;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Notifications;

public static class NotificationSetup
{
    /// <summary>
    /// Notifications: the interceptor that writes events on every FlowdeskDb the container builds, the fan-out and chat
    /// deliveries of the outbox, approval links, the live feed of the bell and the unread counts of the static bell, and the chat webhook client.
    /// </summary>
    public static IServiceCollection AddFlowdeskNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection("Flowdesk:Notifications"));
        services.AddSingleton<NotificationFeed>();
        services.AddMemoryCache();
        services.AddSingleton<UnreadCounts>();
        services.AddSingleton<ApprovalLinks>();
        services.AddSingleton<NotificationInterceptor>();
        services.ConfigureDbContext<SqliteFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<NotificationInterceptor>()));
        services.ConfigureDbContext<PostgresFlowdeskDb>((sp, o) => o.AddInterceptors(sp.GetRequiredService<NotificationInterceptor>()));
        services.AddCallerCache(); // whether each recipient may see the ticket
        services.AddOutboxDelivery<NotificationFanoutDelivery>();
        services.AddOutboxDelivery<ChatDelivery>();
        services.AddHttpClient(ChatDelivery.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        return services;
    }

    /// <summary>/me/notifications, /admin/notification-templates, /admin/chat-channels.</summary>
    public static void MapNotificationEndpoints(this IEndpointRouteBuilder secured)
    {
        MyNotificationsEndpoints.Map(secured);
        TemplateAdminEndpoints.Map(secured);
        ChatChannelEndpoints.Map(secured);
    }
}
