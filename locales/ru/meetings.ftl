## Meetings: logging in three taps, history, planning, the mentee's answers (issue #16)

meetings-menu-button = 🗓 Встречи
meetings-quiet-days-button = 🔕 Пара без встреч: напомнить через { $days } дн.
command-meeting = Встречи: записать, запланировать, подтвердить

meetings-kind-organisational = Организационная
meetings-kind-trial = Пробная рабочая
meetings-kind-planning = Планирование
meetings-kind-regular = Регулярная
meetings-kind-final = Заключительная
meetings-format-offline = очно
meetings-format-online = онлайн
meetings-format-offline-button = 🤝 Очно
meetings-format-online-button = 💻 Онлайн
meetings-minutes = { $minutes } мин
meetings-summary = { $kind } · { $duration } мин · { $format }

meetings-choose-pair = <b>Встреча.</b> С кем была встреча?
meetings-day-prompt = <b>Встреча с: { $pair }</b>
    Когда она была? Можно написать дату, например 21.11.
meetings-calendar-prompt = Выберите дату (время школы: { $timezone }) или напишите её, например 21.11.
meetings-confirm-pair = <b>Встреча с: { $pair }</b>
meetings-confirm-day = Дата: { $day }
meetings-confirm-summary = { $summary }
meetings-confirm-topic = Тема: { $topic }
meetings-confirm-outcome = Итог: { $outcome }
meetings-confirm-present = Были: { $names }
meetings-button-save = ✅ { $summary }
meetings-button-save-edit = 💾 Сохранить: { $summary }
meetings-button-today = Сегодня
meetings-button-yesterday = Вчера
meetings-button-calendar = 📅 Другая дата
meetings-button-kind = Тип
meetings-button-duration = Длительность
meetings-button-format = Формат
meetings-button-topic = ✏️ Тема
meetings-button-outcome = ✏️ Итог
meetings-button-attendance = 👥 Кто был
meetings-button-clear = Без текста
meetings-button-done = Готово
meetings-button-history = 📖 История
meetings-button-planned = 🗓 Планы
meetings-button-plan = 🗓 Запланировать следующую
meetings-button-propose = 🗓 Предложить время
meetings-button-menu = 🏠 В меню
meetings-button-edit = ✏️ Изменить
meetings-button-delete = 🗑 Удалить
meetings-button-delete-yes = Да, удалить
meetings-button-delete-no = Нет
meetings-kind-prompt = Какая это была встреча? 👉 — следующая по методике.
meetings-duration-prompt = Сколько длилась встреча? Выберите или напишите число минут.
meetings-format-prompt = Как проходила встреча?
meetings-topic-prompt = Напишите тему встречи (до 200 знаков).
meetings-outcome-prompt = Напишите, к чему пришли на встрече (до 1000 знаков).
meetings-attendance-prompt = Отметьте, кто был на встрече, и нажмите «Готово».
meetings-attendance-empty = Отметьте хотя бы одного участника.
meetings-saved = ✅ Встреча записана: { $day }, { $summary }.
    Наставляемые подтвердят её сами.
meetings-history-title = <b>История встреч</b> (новые сверху)
meetings-history-empty = Встреч пока нет.
meetings-view-title = <b>Встреча { $day }</b>{ $status ->
    [cancelled] {" "}— не состоялась
   *[other] {""}
}
meetings-view-mentee-yes = { $name }: ✅ подтвердил(а)
meetings-view-mentee-waiting = { $name }: ⏳ ещё не ответил(а)
meetings-view-mentee-disputed = { $name }: ⚠️ говорит, что встречи не было
meetings-view-mentee-absent = { $name }: не был(а)
meetings-view-rating = Оценка: { $rating } из 5
meetings-view-comment = Комментарий: { $comment }
meetings-delete-confirm = Удалить запись об этой встрече?
meetings-deleted = Запись удалена.
meetings-view-curator-only = Эту запись теперь может изменить или удалить только куратор: если в ней ошибка, ему можно написать.

meetings-held-question = <b>Встреча состоялась?</b>
    { $when } · { $summary }
meetings-button-held-yes = ✅ Да, как планировали
meetings-button-held-no = ✖️ Не состоялась
meetings-button-other = Записать другую
meetings-not-held-noted = Отмечено: встреча не состоялась.

meetings-planned-title = <b>Запланированные встречи</b>
meetings-planned-none = { $young ->
    [yes] Следующая встреча ещё не назначена. Можешь предложить время.
   *[other] Следующая встреча ещё не назначена. Можно предложить время.
}
meetings-planned-agreed = ✅ { $when } — договорились
meetings-planned-mine = ⏳ { $when } — ждём ответа
meetings-planned-theirs = ❓ { $when } — предложено вам
meetings-button-accept = ✅ Подходит
meetings-button-counter = 🔁 Другое время
meetings-button-move = 🗓 Перенести встречу
meetings-accepted = Договорились! Напомню за сутки и за час.
meetings-plan-day-prompt = { $young ->
    [yes] В какой день встретимся? Можешь написать дату, например 28.11.
   *[other] В какой день встреча? Можно написать дату, например 28.11.
}
meetings-button-tomorrow = Завтра
meetings-button-after-tomorrow = Послезавтра
meetings-plan-time-prompt = { $day }: во сколько? Выберите или напишите время, например 15:30.

meetings-ask = { $young ->
    [yes] { $mentor } отметил(а) встречу { $day } ({ $kind }). Она была?
   *[other] { $mentor } отметил(а) встречу { $day } ({ $kind }). Она состоялась?
}
meetings-button-happened = ✅ Была
meetings-button-not-happened = ✖️ Не было
meetings-ask-answered = { $young ->
    [yes] Ты уже ответил(а) про встречу { $day } ({ $kind }) — ответ сохранён. Если его нужно изменить, напиши куратору.
   *[other] Вы уже ответили про встречу { $day } ({ $kind }) — ответ сохранён. Если его нужно изменить, напишите куратору.
}
meetings-rate-prompt = { $young ->
    [yes] Как тебе встреча? Оцени от 1 до 5. Наставник оценку не увидит.
   *[other] Оцените встречу от 1 до 5. Наставник оценку не увидит.
}
meetings-comment-prompt = { $young ->
    [yes] Хочешь что-то добавить? Напиши — это прочитает куратор. Или нажми «Пропустить».
   *[other] Хотите добавить комментарий? Его прочитает куратор. Или нажмите «Пропустить».
}
meetings-button-skip = Пропустить
meetings-share-prompt = { $young ->
    [yes] Показать комментарий и наставнику?
   *[other] Показать комментарий и наставнику?
}
meetings-button-share-no = Только куратору
meetings-button-share-yes = И наставнику тоже
meetings-fit-prompt = { $young ->
    [yes] Как тебе твой наставник? Вам подходит работать вместе?
   *[other] Как вам работа с наставником: подходит?
}
meetings-fit-fits = 👍 Подходит
meetings-fit-unsure = 🤔 Пока не знаю
meetings-fit-no = 👎 Не подходит
meetings-thanks = { $young ->
    [yes] Спасибо! Ответ сохранён.
   *[other] Спасибо! Ответ сохранён.
}
meetings-nothing = У вас пока нет пары или группы, в которой можно записывать встречи.

## Messages the bot sends on its own (through the outbox)
meetings-notice-confirm = { $young ->
    [yes] Наставник отметил встречу { $day }. Открой /meeting: подтверди, что она была, и оцени её.
   *[other] Наставник отметил встречу { $day }. Откройте /meeting: подтвердите, что она состоялась, и оцените её.
}
meetings-notice-disputed = ⚠️ { $mentee } говорит, что встречи { $day } с наставником { $mentor } не было.
meetings-notice-proposed = { $young ->
    [yes] { $name } предлагает встретиться { $when }. Открой /meeting, чтобы ответить.
   *[other] { $name } предлагает встретиться { $when }. Откройте /meeting, чтобы ответить.
}
meetings-notice-countered = { $young ->
    [yes] { $name } предлагает другое время: { $when }. Открой /meeting, чтобы ответить.
   *[other] { $name } предлагает другое время: { $when }. Откройте /meeting, чтобы ответить.
}
meetings-notice-agreed = ✅ { $name } подтвердил(а) встречу { $when }.
meetings-notice-rescheduled = { $young ->
    [yes] 🗓 { $name } просит перенести встречу { $old } на { $when }. Нажми «🗓 Планы» ниже, чтобы согласиться или предложить другое время.
   *[other] 🗓 { $name } просит перенести встречу { $old } на { $when }. Нажмите «🗓 Планы» ниже, чтобы согласиться или предложить другое время.
}
meetings-notice-reminder-24h = { $young ->
    [yes] Напоминаю: встреча с наставником { $when }.
   *[other] Напоминание: встреча { $when }.
}
meetings-notice-reminder-1h = { $young ->
    [yes] Через { $left } встреча с наставником, в { $time }.
   *[other] Через { $left } встреча, в { $time }.
}
# Сколько осталось до встречи в момент отправки напоминания.
time-left-hour = час
time-left-minutes = { $minutes } мин
time-left-hours = { $hours } ч{ $minutes ->
    [0] {""}
   *[other] {" "}{ $minutes } мин
}
meetings-notice-held-ask = Встреча { $when } состоялась? Откройте /meeting — записать её можно одним нажатием.
meetings-notice-fit-no = ⚠️ { $mentee } говорит, что работа с наставником { $mentor } не подходит. Возможно, нужна другая пара.
meetings-notice-quiet-nudge = В паре уже { $days } дн. не было встреч ({ $mentees }). Запишите встречу в /meeting или договоритесь о следующей.
meetings-notice-quiet-curator = Пара { $mentor } — { $mentees }: встреч нет уже { $days } дн.
meetings-notice-quiet-close = Пара { $mentor } — { $mentees }: встреч нет { $days } дн. Возможно, пару стоит завершить или подобрать другого наставника (/pairs).

error-meeting-attendance = Отметьте хотя бы одного участника встречи.
error-meeting-date = Не понял дату. Напишите её так: 21.11 или 21.11.2026.
error-meeting-date-future = Эта дата ещё не наступила. Будущую встречу можно запланировать.
error-meeting-date-old = Эта дата слишком давно — больше года назад.
error-meeting-duration = Напишите длительность числом минут, от 5 до { $limit }, например 50.
error-meeting-fields = Проверьте тип, длительность и формат встречи.
error-meeting-fit = Выберите вариант кнопкой.
error-meeting-fit-answered = Вы уже ответили на этот вопрос.
error-meeting-locked = Запись можно изменить только в течение 48 часов; теперь — только куратор.
error-meeting-curator-only = Эту запись теперь может изменить или удалить только куратор: если в ней ошибка, ему можно написать.
error-meeting-answer-final = Вы уже ответили про эту встречу — ответ сохранён. Изменить его может только куратор: напишите ему.
error-meeting-answer-final-young = Ты уже ответил(а) про эту встречу — ответ сохранён. Изменить его может только куратор: напиши ему.
error-meeting-not-confirmed = Сначала подтвердите, что встреча была.
error-meeting-not-open = Это предложение уже не ждёт ответа.
error-meeting-not-agreed = Эту встречу уже нельзя перенести: она прошла, отменена или ещё не согласована.
error-meeting-not-yet = Время этой встречи ещё не наступило.
error-meeting-own-proposal = Это ваше предложение: ответить должна другая сторона.
error-meeting-pair-inactive = Пара не активна: встречи в ней не записываются.
error-meeting-plan-far = Запланировать можно не дальше чем на 120 дней вперёд.
error-meeting-plan-past = Это время уже прошло. Выберите время в будущем.
error-meeting-rating = Оценка — от 1 до 5.
error-meeting-time = Не понял время. Напишите его так: 15:30.
error-meeting-plan-night = С ребёнком встречу не назначают с 21:00 до 07:00 — выберите время днём.
meetings-button-later = ⏭ Позже, в меню
