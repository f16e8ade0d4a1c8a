using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Signpost.Core.Escalation;
using Signpost.Core.Incidents;
using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Data.Configurations;

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Ignore(i => i.TraceIdList);

        // Unique among unresolved incidents (resolved ones hold null): one open incident per rule and subject, across nodes.
        builder.HasIndex(i => i.OpenKey).IsUnique();
        builder.HasIndex(i => new { i.Status, i.CreatedAt });
        builder.HasIndex(i => new { i.OrganizationId, i.CreatedAt });
        builder.HasIndex(i => new { i.AccountId, i.CreatedAt });
        builder.HasIndex(i => i.NotifiedAt);
        builder.Property(i => i.Title).HasMaxLength(Incident.MaxTitleLength);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.RuleId).HasMaxLength(64);
        builder.Property(i => i.Targets).HasMaxLength(128);
        builder.Property(i => i.OpenKey).HasMaxLength(EscalationFiring.MaxKeyLength);
        builder.Property(i => i.Description).HasMaxLength(Incident.MaxDescriptionLength);
        builder.Property(i => i.CallbackNumber).HasMaxLength(IncidentInput.MaxCallbackLength);
        builder.Property(i => i.TraceIds).HasMaxLength(Incident.MaxTraceIds * 33);
        builder.Property(i => i.AssignedTo).HasMaxLength(Incident.MaxAssigneeLength);
        builder.Property(i => i.Version).IsConcurrencyToken();
    }
}

internal sealed class IncidentNoteConfiguration : IEntityTypeConfiguration<IncidentNote>
{
    public void Configure(EntityTypeBuilder<IncidentNote> builder)
    {
        builder.HasKey(n => n.Id);
        builder.HasIndex(n => n.IncidentId);
        builder.HasOne<Incident>().WithMany().HasForeignKey(n => n.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(n => n.Author).HasMaxLength(256);
        builder.Property(n => n.Text).HasMaxLength(IncidentNote.MaxTextLength);
    }
}

internal sealed class IncidentScreenshotConfiguration : IEntityTypeConfiguration<IncidentScreenshot>
{
    public void Configure(EntityTypeBuilder<IncidentScreenshot> builder)
    {
        builder.HasKey(s => s.IncidentId);
        builder.HasOne<Incident>().WithOne().HasForeignKey<IncidentScreenshot>(s => s.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.ContentType).HasMaxLength(32);
    }
}

internal sealed class IncidentAttachmentConfiguration : IEntityTypeConfiguration<IncidentAttachment>
{
    public void Configure(EntityTypeBuilder<IncidentAttachment> builder)
    {
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => new { a.IncidentId, a.TraceId }).IsUnique();
        builder.HasOne<Incident>().WithMany().HasForeignKey(a => a.IncidentId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.TraceId).HasMaxLength(64);
        builder.Property(a => a.ReasonCode).HasMaxLength(64);
    }
}

internal sealed class EscalationFiringConfiguration : IEntityTypeConfiguration<EscalationFiring>
{
    public void Configure(EntityTypeBuilder<EscalationFiring> builder)
    {
        builder.HasKey(f => f.Id);
        builder.HasIndex(f => f.Key).IsUnique();
        builder.HasIndex(f => f.IncidentId);
        builder.Property(f => f.Key).HasMaxLength(EscalationFiring.MaxKeyLength);
        builder.Property(f => f.RuleId).HasMaxLength(64);
        builder.Property(f => f.Subject).HasMaxLength(160);
        builder.Property(f => f.TriggerTraceId).HasMaxLength(64);
        builder.Property(f => f.Explanation).HasMaxLength(1000);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => d.IncidentId);
        builder.HasIndex(d => d.CreatedAt);
        builder.HasIndex(d => d.ClientId);
        builder.Property(d => d.EventType).HasMaxLength(32);
        builder.Property(d => d.ClientId).HasMaxLength(Core.OpenIdProvider.SessionClient.MaxClientIdLength);
        builder.Property(d => d.Target).HasMaxLength(WebhookDelivery.MaxTargetLength);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.LastError).HasMaxLength(WebhookAttempt.MaxErrorLength);
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.DeliveryId);
        builder.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Error).HasMaxLength(WebhookAttempt.MaxErrorLength);
    }
}

internal sealed class WebhookSecretConfiguration : IEntityTypeConfiguration<WebhookSecret>
{
    public void Configure(EntityTypeBuilder<WebhookSecret> builder)
    {
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.CreatedAt);
        builder.Property(s => s.ProtectedSecret).HasMaxLength(2000);
        builder.Property(s => s.Source).HasMaxLength(16);
    }
}

internal sealed class EscalationCursorConfiguration : IEntityTypeConfiguration<Stores.EscalationCursor>
{
    public void Configure(EntityTypeBuilder<Stores.EscalationCursor> builder)
    {
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(64);
    }
}
