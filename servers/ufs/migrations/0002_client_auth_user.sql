-- A client's Basic-auth user may differ from its client id (the reference allocates
-- credentials per application: x-ufs-client-id demo, user ufs_unittest).
ALTER TABLE clients ADD COLUMN auth_user TEXT;
UPDATE clients SET auth_user = client_id;
ALTER TABLE clients ALTER COLUMN auth_user SET NOT NULL;
