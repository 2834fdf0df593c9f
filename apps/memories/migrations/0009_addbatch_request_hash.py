from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("memories", "0008_tenant_postings_index")]

    operations = [
        # A replay is answered from the batch as it is now, not from a stored first answer.
        migrations.RemoveField(model_name="addbatch", name="response"),
        migrations.AddField(
            model_name="addbatch",
            name="request_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
