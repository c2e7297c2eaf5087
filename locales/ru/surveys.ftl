## Questionnaires: answering (impersonal wording: it suits adults and children alike)

command-survey = Анкеты
command-surveys = Анкеты программы (куратор)

survey-choose = Анкеты, которые ждут ответа:
survey-none = Сейчас нет анкет, которые ждут ответа.
survey-btn-menu = « В меню
survey-btn-next = Готово →
survey-btn-submit = ✅ Отправить
survey-btn-restart = ✏️ Изменить ответы
survey-btn-back = ← Назад
survey-btn-skip = Пропустить →
survey-btn-later = ⏸ Продолжить позже
survey-counter = Вопрос { $number } / { $total }
survey-multi-hint = <i>Можно выбрать несколько вариантов, затем «Готово».</i>
survey-text-hint = <i>Ответ — сообщением.</i>
survey-optional = <i>Этот вопрос можно пропустить.</i>
survey-your-answer = Сейчас отмечено: { $answer }
survey-scale-answer = { $value } из { $max }
survey-yes = Да
survey-no = Нет
survey-plain = { $text }
survey-skipped = —
survey-summary = Всё ли верно? Проверка перед отправкой:
survey-summary-line = { $number }. { $question } — <b>{ $answer }</b>
survey-already-submitted = Эта анкета уже отправлена. Спасибо!
survey-closed-text = Срок этой анкеты прошёл.
survey-thanks = Спасибо! Ответы отправлены, изменить их больше нельзя.
survey-saved-for-later = Ответы сохранены. Продолжить можно командой /survey.

error-survey-launch = Такую анкету запустить нельзя.
error-survey-deadline-past = Срок не может быть в прошлом.
error-survey-closed = Срок этой анкеты прошёл.
error-survey-submitted = Анкета уже отправлена: ответы изменить нельзя.
error-survey-stale = Эта кнопка от другого вопроса. Ответ — под последним сообщением.
error-survey-use-buttons = Ответ здесь — кнопкой под вопросом.
error-survey-choose-one = Нужно выбрать хотя бы один вариант.
error-survey-required = На этот вопрос нужен ответ: пропустить его нельзя.
error-survey-unanswered = Остался вопрос без ответа — он на экране.
error-survey-scale = Нужно число от 1 до { $max }: кнопкой или цифрой.
error-survey-text-empty = Ответ здесь — текстом, одним сообщением.
error-survey-text-long = Слишком длинный ответ ({ $length } знаков): можно до { $max }.

## Notifications to participants (rendered at send time)

survey-invite-message = { $ty ->
    [yes] 📝 Новая анкета: { $wave ->
        [entry] входная
        [intermediate] промежуточная
        [exit] итоговая
       *[pulse] короткий опрос
    }. Ответь до { $deadline }. Начать — /survey
   *[no] 📝 Новая анкета: { $wave ->
        [entry] входная
        [intermediate] промежуточная
        [exit] итоговая
       *[pulse] короткий опрос
    }. Ответить до { $deadline }. Начать — /survey
}
survey-reminder-message = { $ty ->
    [yes] ⏰ Напоминание: анкета ждёт ответа до { $deadline }. Продолжить — /survey
   *[no] ⏰ Напоминание: анкета ждёт ответа до { $deadline }. Продолжить — /survey
}
