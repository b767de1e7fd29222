-- The language the Telegram bot speaks in a chat: what Telegram says the user's app is set to
-- (`language_code` of their updates: ru/uk/be/kk → ru, any other → en) and what the user chose with
-- /lang or the menu's language button. The choice wins; with neither the bot speaks Russian.
alter table notify_bot_chats
  add column telegram_lang text check (telegram_lang in ('ru', 'en')),
  add column chosen_lang text check (chosen_lang in ('ru', 'en'));
