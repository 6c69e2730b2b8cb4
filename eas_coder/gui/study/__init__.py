"""Choosing and making a study: new study, add videos, recent studies, server study and its
password, the damaged-study message, who is coding. May use ``common`` and the core."""
