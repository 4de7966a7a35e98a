using Flowdesk.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Flowdesk.Mail;

public static class MailSetup
{
    /// <summary>
    /// Email out (the "email" outbox delivery over SMTP) and in (the "mail.poll" job over IMAP, the intake, the
    /// quarantine). Settings are read when first needed, so a mistake in them is reported by the delivery or the job
    /// (with the key at fault) instead of stopping the host.
    /// </summary>
    public static IServiceCollection AddFlowdeskMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => MailSettings.From(configuration));
        services.TryAddSingleton<MailboxPoller>();
        services.TryAddScoped<MailIntake>();
        services.AddOutboxDelivery<SmtpEmailDelivery>();
        services.AddScheduledJob<MailPollJob>();
        return services;
    }
}
